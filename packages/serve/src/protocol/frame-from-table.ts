import { closestMatches } from "kiln";
import pl from "nodejs-polars";
import { ScoringRequestError } from "../errors.js";
import type { ColumnSpec, SignatureType } from "../model-types.js";
import type { RawTable } from "./raw-table.js";
import { INVALID, TYPE_EXAMPLES, VALUE_CONVERTERS } from "./value-converters.js";

/** One column ready for the DataFrame: its values converted, and its type (undefined: let Polars infer). */
export interface TypedColumn {
  name: string;
  values: unknown[];
  dtype: pl.DataType | undefined;
}

/**
 * A request's table checked against the signature and converted, before it becomes a DataFrame
 * (the expensive part): what the scoring server's batching merges across requests.
 */
export interface TypedTable {
  columns: TypedColumn[];
  rows: number;
}

/** The Polars type that holds each MLflow column type (bytes as a list of UInt8: nodejs-polars has no Binary). */
export function polarsType(type: SignatureType): pl.DataType | undefined {
  switch (type) {
    case "double":
      return pl.Float64;
    case "float":
      return pl.Float32;
    case "integer":
      return pl.Int32;
    case "long":
      return pl.Int64;
    case "boolean":
      return pl.Bool;
    case "string":
      return pl.Utf8;
    case "binary":
      return pl.List(pl.UInt8);
    case "datetime":
      return pl.Datetime("ms");
    default:
      return undefined;
  }
}

/**
 * The DataFrame the model gets from a request's table. With a signature, as MLflow enforces it:
 * every required input column must be there (optional ones may be left out), each is converted to
 * its declared type where that loses nothing (integers for a double column, digit strings from a
 * CSV), columns come in the signature's order, and columns the signature does not name are
 * dropped. Without one, types are inferred (JSON: numbers, booleans, text; CSV: like pandas).
 * @throws ScoringRequestError `KILN_SERVE_MISSING_COLUMN` or `KILN_SERVE_BAD_COLUMN_TYPE`, naming
 * every such column at once, with the expected type and an offending value.
 */
export function frameFromTable(
  table: RawTable,
  inputs: readonly ColumnSpec[] | null | undefined,
): pl.DataFrame {
  return frameFromTyped(typedTable(table, inputs));
}

/**
 * {@link frameFromTable}'s checks and conversions without building the DataFrame.
 * @throws ScoringRequestError as frameFromTable.
 */
export function typedTable(table: RawTable, inputs: readonly ColumnSpec[] | null | undefined): TypedTable {
  const columns = inputs && inputs.length > 0 ? enforceSignature(table, inputs) : inferTypes(table);
  return { columns, rows: table.rows };
}

/** The DataFrame of a checked table. */
export function frameFromTyped(table: TypedTable): pl.DataFrame {
  return buildFrame(table.columns, table.rows);
}

function enforceSignature(table: RawTable, inputs: readonly ColumnSpec[]): TypedColumn[] {
  if (table.rows === 0 && table.columns.length === 0) {
    // An empty list of rows names no columns: zero rows of the signature's columns.
    return inputs
      .filter((spec) => spec.required !== false)
      .map((spec, i) => ({ name: spec.name ?? `${i}`, values: [], dtype: polarsType(spec.type) }));
  }
  const index = new Map(table.columns.map((name, i) => [name, i]));
  // A signature without names (MLflow allows it) takes the request's columns by position.
  const named = inputs.every((spec) => spec.name !== undefined);
  const specs = named ? inputs : inputs.map((spec, i) => ({ ...spec, name: table.columns[i] ?? `${i}` }));
  const missing = specs.filter((spec) => !index.has(spec.name!) && spec.required !== false);
  if (missing.length > 0) throw missingColumns(missing, table.columns, specs);
  const typed: TypedColumn[] = [];
  const problems: string[] = [];
  for (const spec of specs) {
    const at = index.get(spec.name!);
    if (at === undefined) continue;
    const raw = table.values[at]!;
    const convert = VALUE_CONVERTERS[spec.type];
    if (convert === undefined) {
      typed.push({ name: spec.name!, values: raw, dtype: undefined });
      continue;
    }
    const values = new Array(raw.length);
    let firstBad = -1;
    let bad = 0;
    for (let r = 0; r < raw.length; r++) {
      const value = convert(raw[r], table.text === true);
      if (value === INVALID) {
        if (firstBad === -1) firstBad = r;
        bad++;
      } else values[r] = value;
    }
    if (bad > 0) {
      const more = bad > 1 ? ` (and ${bad - 1} more row${bad > 2 ? "s" : ""})` : "";
      problems.push(
        `column "${spec.name}" must hold ${spec.type} values (${TYPE_EXAMPLES[spec.type]}), but row ${firstBad} has ${shown(raw[firstBad])}${more}`,
      );
    } else typed.push({ name: spec.name!, values, dtype: polarsType(spec.type) });
  }
  if (problems.length > 0) {
    throw new ScoringRequestError(
      "KILN_SERVE_BAD_COLUMN_TYPE",
      `The input does not match the model's signature: ${problems.join("; ")}.`,
      { hint: "Send each column in the type the model's signature declares (its MLmodel file lists them)." },
    );
  }
  return typed;
}

function missingColumns(
  missing: readonly ColumnSpec[],
  received: string[],
  specs: readonly ColumnSpec[],
): ScoringRequestError {
  const names = missing.map((spec) => `"${spec.name}" (${spec.type})`).join(", ");
  const known = new Set(specs.map((s) => s.name));
  const extra = received.filter((c) => !known.has(c));
  const guesses = missing.flatMap((spec) => {
    const [near] = closestMatches(spec.name!, extra);
    return near === undefined ? [] : [`"${near}" for "${spec.name}"`];
  });
  const got =
    received.length === 0 ? "no columns" : `the columns ${received.map((c) => `"${c}"`).join(", ")}`;
  return new ScoringRequestError(
    "KILN_SERVE_MISSING_COLUMN",
    `The model needs the input column${missing.length > 1 ? "s" : ""} ${names}; the request has ${got}.`,
    {
      hint:
        guesses.length > 0
          ? `Did you mean ${guesses.join(", ")}?`
          : `The model's input columns are ${specs.map((s) => `"${s.name}"`).join(", ")}${specs.some((s) => s.required === false) ? " (some optional)" : ""}.`,
    },
  );
}

/** A request value for a message: JSON, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  const kind = value === null ? "" : Array.isArray(value) ? " (a list)" : ` (${typeof value})`;
  return `${text.length > 60 ? `${text.slice(0, 60)}…` : text}${kind}`;
}

/** Types for a table without a signature: JSON by the values' kinds, CSV text as pandas reads it. */
function inferTypes(table: RawTable): TypedColumn[] {
  return table.columns.map((name, c) => {
    const raw = table.values[c]!;
    if (table.text) {
      for (const type of ["long", "double", "boolean"] as const) {
        const convert = VALUE_CONVERTERS[type];
        const values = raw.map((v) => convert(v, true));
        if (!values.includes(INVALID)) return { name, values, dtype: polarsType(type) };
      }
      return { name, values: raw, dtype: pl.Utf8 };
    }
    const kinds = new Set<string>();
    let integral = true;
    for (const v of raw) {
      if (v === null || v === undefined) continue;
      kinds.add(Array.isArray(v) ? "list" : typeof v);
      if (typeof v === "number" && !Number.isInteger(v)) integral = false;
    }
    if (kinds.size > 1) {
      throw new ScoringRequestError(
        "KILN_SERVE_BAD_COLUMN_TYPE",
        `Column "${name}" mixes ${[...kinds].join(" and ")} values, and the model has no signature saying which it takes.`,
        { hint: "Send one kind of value per column." },
      );
    }
    const kind = [...kinds][0];
    const dtype =
      kind === "number"
        ? integral
          ? pl.Int64
          : pl.Float64
        : kind === "boolean"
          ? pl.Bool
          : kind === "string"
            ? pl.Utf8
            : kind === undefined
              ? pl.Float64
              : undefined;
    return { name, values: raw, dtype };
  });
}

/** Below this many rows, one `readRecords` call beats a Series per column (each costs a large JS wrapper). */
const RECORDS_UP_TO = 1000;

function buildFrame(columns: TypedColumn[], rows: number): pl.DataFrame {
  const inferred = columns.some((c) => c.dtype === undefined);
  if (rows <= RECORDS_UP_TO && !inferred) {
    // A column may be called "__proto__": then the records need no prototype (slower, so only then).
    const plain = !columns.some((c) => c.name === "__proto__");
    const records = new Array(rows);
    for (let r = 0; r < rows; r++) {
      const record: Record<string, unknown> = plain ? {} : Object.create(null);
      for (const column of columns) record[column.name] = column.values[r] ?? null;
      records[r] = record;
    }
    const schema: Record<string, pl.DataType> = plain ? {} : Object.create(null);
    for (const column of columns) schema[column.name] = column.dtype!;
    return pl.readRecords(records, { schema });
  }
  return pl.DataFrame(
    columns.map((c) =>
      c.dtype === undefined ? pl.Series(c.name, c.values) : pl.Series(c.name, c.values, c.dtype),
    ),
  );
}
