import { closestMatches } from "kiln";
import { ScoringRequestError } from "../errors.js";

/** The four JSON layouts MLflow's scoring protocol accepts for the input data. */
export const INPUT_FORMATS = ["dataframe_split", "dataframe_records", "instances", "inputs"] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** A JSON request body taken apart: which layout, its payload, and the optional `params`. */
export interface JsonRequest {
  format: InputFormat;
  payload: unknown;
  /** `undefined` when the request has no `params` key (or `"params": null`). */
  params: unknown;
}

const FORMAT_LIST = INPUT_FORMATS.join(", ");
const KNOWN_KEYS = [...INPUT_FORMATS, "params"];

function badRequest(code: string, message: string, hint: string): ScoringRequestError {
  return new ScoringRequestError(code, message, { hint });
}

/**
 * Parses a JSON body and finds its layout: an object with exactly one of `dataframe_split`,
 * `dataframe_records`, `instances`, `inputs`, and optionally `params`. Like MLflow's server, other
 * keys are ignored, except one that looks like a misspelt known key, which is an error (a typo in
 * `params` would otherwise drop the parameters silently).
 * @throws ScoringRequestError `KILN_SERVE_BAD_JSON` (with line, column and position) or
 * `KILN_SERVE_BAD_FORMAT`.
 */
export function parseJsonRequest(text: string): JsonRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw badJson(text, error);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    const got = Array.isArray(body) ? "a list" : body === null ? "null" : `a ${typeof body}`;
    throw badRequest(
      "KILN_SERVE_BAD_FORMAT",
      `The request body must be a JSON object with exactly one of ${FORMAT_LIST}; got ${got}.`,
      'e.g. {"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2]]}} or {"dataframe_records": [{"a": 1, "b": 2}]}.',
    );
  }
  const record = body as Record<string, unknown>;
  const keys = Object.keys(record);
  const formats = INPUT_FORMATS.filter((f) => f in record);
  for (const key of keys) {
    if (KNOWN_KEYS.includes(key)) continue;
    const [near] = closestMatches(key, KNOWN_KEYS);
    if (near !== undefined) {
      throw badRequest(
        "KILN_SERVE_BAD_FORMAT",
        `The request has a key "${key}" the scoring protocol does not know.`,
        `Did you mean "${near}"?`,
      );
    }
  }
  if (formats.length !== 1) {
    const got = keys.length === 0 ? "no keys" : `the keys ${keys.map((k) => JSON.stringify(k)).join(", ")}`;
    throw badRequest(
      "KILN_SERVE_BAD_FORMAT",
      `The request must have exactly one of ${FORMAT_LIST}; it has ${got}.`,
      formats.length > 1
        ? "Send the data in one layout only."
        : 'e.g. {"dataframe_records": [{"a": 1, "b": 2}]}; add "params": {...} to override parameters.',
    );
  }
  const format = formats[0]!;
  const params = record.params === null ? undefined : record.params;
  return { format, payload: record[format], params };
}

/** A JSON syntax error with where it is: line, column, position and the text around it. */
function badJson(text: string, error: unknown): ScoringRequestError {
  if (text.trim() === "") {
    return badRequest(
      "KILN_SERVE_BAD_JSON",
      "The request body is empty.",
      'Send a JSON object such as {"dataframe_records": [{"a": 1}]}.',
    );
  }
  const reason = (error instanceof Error ? error.message : String(error)).replace(
    /\s*\(line \d+ column \d+\)$/,
    "",
  );
  const found = /at position (\d+)/.exec(reason);
  const position = found ? Number(found[1]) : text.length;
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  const near = JSON.stringify(text.slice(Math.max(0, position - 20), position + 20));
  return badRequest(
    "KILN_SERVE_BAD_JSON",
    `The request body is not valid JSON: ${reason.replace(/ in JSON at position \d+/, "")} at line ${line}, column ${column} (position ${position}), near ${near}.`,
    "Check the JSON (quotes around names and strings, no trailing commas).",
  );
}
