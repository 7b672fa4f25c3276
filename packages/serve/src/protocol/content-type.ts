import { ScoringRequestError } from "../errors.js";

/** The two body formats `/invocations` reads. */
export type RequestFormat = "json" | "csv";

const FORMATS: Record<string, RequestFormat> = { "application/json": "json", "text/csv": "csv" };

function unsupported(message: string, hint: string): ScoringRequestError {
  return new ScoringRequestError("KILN_SERVE_UNSUPPORTED_MEDIA_TYPE", message, {
    status: 415,
    hint,
  });
}

/**
 * Which format a `Content-Type` header names. As MLflow's scoring server: `application/json` or
 * `text/csv`, with no parameter but `charset`, and that only `utf-8`; anything else is a 415.
 * (Media type and parameter names are compared case-insensitively, as HTTP says.)
 * @throws ScoringRequestError `KILN_SERVE_UNSUPPORTED_MEDIA_TYPE` (status 415).
 */
export function requestFormat(header: string | undefined): RequestFormat {
  const fix = "Send Content-Type: application/json or text/csv (optionally with ; charset=utf-8).";
  if (header === undefined || header.trim() === "") {
    throw unsupported("The request has no Content-Type header.", fix);
  }
  const [type = "", ...parameters] = header.split(";").map((part) => part.trim());
  const format = FORMATS[type.toLowerCase()];
  if (format === undefined) {
    throw unsupported(
      `The scoring server reads application/json and text/csv, not "${type}".`,
      "Send Content-Type: application/json (one of dataframe_split, dataframe_records, instances, inputs) or text/csv (a header row, then one row per record).",
    );
  }
  const unknown: string[] = [];
  for (const parameter of parameters) {
    if (parameter === "") continue;
    const eq = parameter.indexOf("=");
    const name = (eq === -1 ? parameter : parameter.slice(0, eq)).trim().toLowerCase();
    if (name !== "charset") {
      unknown.push(name);
      continue;
    }
    const charset = parameter
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .toLowerCase();
    if (charset !== "utf-8") {
      throw unsupported(`The scoring server reads UTF-8 only, not charset "${charset}".`, fix);
    }
  }
  if (unknown.length > 0) {
    throw unsupported(
      `Content-Type has parameters the scoring server does not know: ${unknown.join(", ")}.`,
      fix,
    );
  }
  return format;
}
