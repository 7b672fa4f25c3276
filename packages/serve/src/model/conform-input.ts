// Enforcing a model's input signature on a table, as MLflow's pyfunc does before each predict: every
// required column present, each cast to its signature type when that loses nothing; anything else is
// an error naming the column. Extra columns are kept (the pipeline may ignore them).
import { ModelError } from "@kiln/tracking";
import type pl from "nodejs-polars";
import type { ColumnSpec, SignatureType } from "../model-types.js";

type Polars = typeof pl;

const INTEGERS = new Set(["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"]);
const FLOATS = new Set(["Float32", "Float64", "Decimal"]);
const TEXT = new Set(["Utf8", "String", "Categorical", "Enum"]);

function badInput(message: string, hint: string): ModelError {
  return new ModelError("KILN_MODEL_BAD_INPUT", message, { hint });
}

/** The Polars type a signature type becomes. */
function polarsType(p: Polars, type: SignatureType): pl.DataType {
  switch (type) {
    case "boolean":
      return p.Bool;
    case "integer":
      return p.Int32;
    case "long":
      return p.Int64;
    case "float":
      return p.Float32;
    case "double":
      return p.Float64;
    case "string":
      return p.Utf8;
    case "binary": // checked, never cast (this nodejs-polars exports no Binary type)
      return p.Utf8;
    case "datetime":
      return p.Datetime("ms");
  }
}

/** Why `column` (of Polars type `from`) cannot become `to`, or undefined when it can without loss. */
function refusal(frame: pl.DataFrame, column: string, from: string, to: SignatureType): string | undefined {
  if (from === "Null") return undefined; // all missing: any type holds nulls
  switch (to) {
    case "boolean":
      return from === "Bool" ? undefined : "booleans";
    case "integer":
    case "long": {
      if (INTEGERS.has(from)) return undefined;
      if (!FLOATS.has(from)) return "whole numbers";
      const values = frame.getColumn(column).toArray() as Array<number | null>;
      return values.every((v) => v === null || Number.isInteger(v))
        ? undefined
        : "whole numbers (it has fractions)";
    }
    case "float":
    case "double":
      return INTEGERS.has(from) || FLOATS.has(from) ? undefined : "numbers";
    case "string":
      return TEXT.has(from) ? undefined : "text";
    case "datetime":
      return from === "Date" || from === "Datetime" ? undefined : "dates or times";
    case "binary":
      return from === "Binary" ? undefined : "bytes";
  }
}

/** True for a nodejs-polars DataFrame (its factory makes proxies `instanceof` does not recognise). */
export function isDataFrame(value: unknown): value is pl.DataFrame {
  return (
    value !== null &&
    typeof value === "object" &&
    // Not `schema`: nodejs-polars builds it anew on each read, which costs on every request.
    typeof (value as pl.DataFrame).withColumns === "function" &&
    Array.isArray((value as pl.DataFrame).columns)
  );
}

/**
 * `frame` with the signature's columns cast to their types.
 * @throws ModelError `KILN_MODEL_BAD_INPUT` listing missing columns, or naming a column whose values
 * are not of its type.
 */
export function conformToSignature(
  p: Polars,
  frame: pl.DataFrame,
  inputs: readonly ColumnSpec[],
): pl.DataFrame {
  const named = inputs.filter((c): c is ColumnSpec & { name: string } => c.name !== undefined);
  if (named.length === 0) return frame;
  const columns = frame.columns;
  const present = new Set(columns);
  const missing = named.filter((c) => c.required !== false && !present.has(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    throw badInput(
      `The input lacks ${missing.length === 1 ? "column" : "columns"} ${missing.map((m) => `"${m}"`).join(", ")} of the model's signature.`,
      `The model takes ${named.map((c) => `${c.name} (${c.type})`).join(", ")}.`,
    );
  }
  const casts: pl.Expr[] = [];
  // `dtypes`, not `schema`: nodejs-polars builds `schema` from a Series wrapper per column, about a
  // millisecond each; `dtypes` is one native call (BENCHMARKS.md section 12).
  const dtypes = frame.dtypes;
  const variants = new Map(columns.map((name, i) => [name, dtypes[i]!.variant as string]));
  for (const column of named) {
    if (!present.has(column.name)) continue;
    const from = variants.get(column.name)!;
    const target = polarsType(p, column.type);
    if (from === target.variant && column.type !== "datetime") continue;
    const problem = refusal(frame, column.name, from, column.type);
    if (problem) {
      throw badInput(
        `Column "${column.name}" must hold ${problem} (signature type ${column.type}), but holds Polars ${from}.`,
        "Send values of the signature's types (kiln models show NAME prints the signature).",
      );
    }
    if (from !== target.variant && column.type !== "binary") casts.push(p.col(column.name).cast(target));
  }
  return casts.length > 0 ? frame.withColumns(...casts) : frame;
}
