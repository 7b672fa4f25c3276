// Files for `kiln models predict`: the input table (CSV, Parquet, or JSON in the shapes MLflow's
// scoring protocol takes) and the predictions (JSON as the scoring server answers, or CSV).
import { readFile, writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { ModelError } from "@kiln/tracking";
import type pl from "nodejs-polars";
import { isDataFrame } from "./conform-input.js";

type Polars = typeof pl;

/** A batch to predict: the rows and the parameters the file gave. */
export interface Batch {
  frame: pl.DataFrame;
  params?: Record<string, unknown>;
}

function badFile(path: string, what: string, hint: string, cause?: unknown): ModelError {
  return new ModelError("KILN_MODEL_BAD_INPUT_FILE", `${path}: ${what}.`, {
    hint,
    ...(cause === undefined ? {} : { cause }),
  });
}

const JSON_SHAPES =
  'a list of records ([{"a": 1}]), split rows ({"columns": [...], "data": [[...]]}), or {"dataframe_split": …} / {"dataframe_records": …} / {"inputs": …} / {"instances": …} with optional "params"';

/** Rows from one of the JSON shapes MLflow's scoring protocol accepts. */
function framePart(p: Polars, body: unknown, path: string): pl.DataFrame {
  if (Array.isArray(body)) {
    if (body.every((r) => r !== null && typeof r === "object" && !Array.isArray(r)))
      return p.readRecords(body as Record<string, unknown>[]);
    throw badFile(path, "a JSON list must hold records (objects)", `Write ${JSON_SHAPES}.`);
  }
  if (body !== null && typeof body === "object") {
    const split = body as { columns?: unknown; data?: unknown };
    if (Array.isArray(split.columns) && Array.isArray(split.data)) {
      const columns = split.columns as string[];
      return p.readRecords(
        (split.data as unknown[][]).map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))),
      );
    }
    // Columns as lists ({"inputs": {"a": [1, 2]}}).
    const values = Object.values(body);
    if (values.length > 0 && values.every(Array.isArray))
      return p.DataFrame(body as Record<string, unknown[]>);
  }
  throw badFile(path, "its JSON is no table", `Write ${JSON_SHAPES}.`);
}

/**
 * Reads a batch from a `.csv`, `.parquet` or `.json` file.
 * @throws ModelError `KILN_MODEL_BAD_INPUT_FILE` for another extension, a file that cannot be read or
 * parsed, or JSON of another shape.
 */
export async function readBatch(p: Polars, path: string): Promise<Batch> {
  const ext = extname(path).toLowerCase();
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw badFile(
      path,
      `cannot be read (${(error as Error).message})`,
      "Give the path of an existing file with -i.",
      error,
    );
  }
  try {
    if (ext === ".csv") return { frame: p.readCSV(bytes) };
    if (ext === ".parquet" || ext === ".pq") return { frame: p.readParquet(bytes) };
  } catch (error) {
    throw badFile(
      path,
      `is not valid ${ext.slice(1).toUpperCase()} (${(error as Error).message})`,
      "Check the file.",
      error,
    );
  }
  if (ext !== ".json")
    throw badFile(
      path,
      `"${ext || "no extension"}" is not an input format`,
      "Give a .csv, .json or .parquet file.",
    );
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw badFile(path, `is not JSON (${(error as Error).message})`, `Write ${JSON_SHAPES}.`, error);
  }
  const wrapped = body as Record<string, unknown>;
  const key = ["dataframe_split", "dataframe_records", "inputs", "instances"].find(
    (k) => wrapped !== null && typeof wrapped === "object" && !Array.isArray(wrapped) && k in wrapped,
  );
  const params = key ? (wrapped.params as Record<string, unknown> | undefined) : undefined;
  return {
    frame: framePart(p, key ? wrapped[key] : body, path),
    ...(params !== undefined ? { params } : {}),
  };
}

/** A value as JSON carries it (dates as ISO text, big integers as numbers when exact). */
function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, jsonSafe);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}

interface SeriesLike {
  name: string;
  toArray(): unknown[];
}
const isSeries = (v: unknown): v is SeriesLike =>
  v !== null && typeof v === "object" && typeof (v as SeriesLike).toArray === "function" && "dtype" in v;

/** Predictions as the scoring server answers: a DataFrame as records, a Series or list as values. */
export function predictionsJson(predictions: unknown): unknown {
  if (isDataFrame(predictions)) return jsonSafe(predictions.toRecords());
  if (isSeries(predictions)) return jsonSafe(predictions.toArray());
  return jsonSafe(predictions);
}

/** Predictions as a table, for CSV: a DataFrame as it is, a Series or list as one column. */
function predictionsFrame(p: Polars, predictions: unknown): pl.DataFrame {
  if (isDataFrame(predictions)) return predictions;
  if (isSeries(predictions)) return p.DataFrame([predictions as unknown as pl.Series]);
  const values = Array.isArray(predictions) ? predictions : [predictions];
  if (values.every((v) => v !== null && typeof v === "object" && !Array.isArray(v)))
    return p.readRecords(values as Record<string, unknown>[]);
  return p.DataFrame({ prediction: values as unknown[] });
}

/**
 * Writes predictions to `path` (`.json`: `{"predictions": …}` as MLflow writes them; `.csv`), or
 * returns the JSON text when `path` is undefined.
 * @throws ModelError `KILN_MODEL_BAD_OUTPUT_FILE` for another extension.
 */
export async function writePredictions(
  p: Polars,
  predictions: unknown,
  path?: string,
): Promise<string | undefined> {
  const json = () => `${JSON.stringify({ predictions: predictionsJson(predictions) })}\n`;
  if (path === undefined) return json();
  const ext = extname(path).toLowerCase();
  if (ext === ".json") await writeFile(path, json());
  else if (ext === ".csv") predictionsFrame(p, predictions).writeCSV(path);
  else
    throw new ModelError(
      "KILN_MODEL_BAD_OUTPUT_FILE",
      `${path}: "${ext || "no extension"}" is not an output format.`,
      {
        hint: "Give a .json or .csv file with -o (or leave -o out to print JSON).",
      },
    );
  return undefined;
}
