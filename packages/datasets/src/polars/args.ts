// load_args / save_args as catalogs write them (Python Polars' snake_case names, and pandas' names
// for Kedro catalogs) mapped to nodejs-polars' camelCase options, with their values checked.
import { closestMatches, DatasetError } from "kiln";
import type { DataType } from "nodejs-polars";
import type { Polars } from "./load-polars.js";

export type Convert = (value: unknown, pl: Polars) => unknown;

/** One catalog argument: the engine option it sets, and how its value is checked and converted. */
export interface ArgSpec {
  to: string;
  convert: Convert;
}

function fail(name: string, expected: string, value: unknown): never {
  throw new DatasetError("KILN_TABLE_BAD_ARG", `${name} must be ${expected}, got ${JSON.stringify(value)}.`, {
    hint: "Fix the value in the catalog entry's load_args/save_args (docs/datasets.md lists them).",
  });
}

export const asString =
  (name: string): Convert =>
  (v) =>
    typeof v === "string" ? v : fail(name, "a string", v);
export const asBoolean =
  (name: string): Convert =>
  (v) =>
    typeof v === "boolean" ? v : fail(name, "true or false", v);
export const asCount =
  (name: string): Convert =>
  (v) =>
    Number.isInteger(v) && (v as number) >= 0 ? v : fail(name, "a whole number ≥ 0", v);
export const asStrings =
  (name: string): Convert =>
  (v) => {
    const list = typeof v === "string" ? [v] : v;
    return Array.isArray(list) && list.every((s) => typeof s === "string")
      ? list
      : fail(name, "a list of strings", v);
  };
export const oneOf =
  (name: string, values: readonly string[]): Convert =>
  (v) =>
    typeof v === "string" && values.includes(v) ? v : fail(name, `one of ${values.join(", ")}`, v);

/** pandas' `header: 0` (first row is the header) / `header: null` (no header) as a boolean. */
export const headerRow =
  (name: string): Convert =>
  (v) => {
    if (v === 0 || v === true) return true;
    if (v === null || v === false) return false;
    return fail(name, "0 (the first row is the header), null (no header), or true/false", v);
  };

/** Type names a catalog may use in `schema_overrides`/`dtypes`, Python Polars' and pandas' spellings. */
const DTYPES: Record<string, (pl: Polars) => DataType> = {
  int8: (pl) => pl.Int8,
  int16: (pl) => pl.Int16,
  int32: (pl) => pl.Int32,
  int64: (pl) => pl.Int64,
  int: (pl) => pl.Int64,
  uint8: (pl) => pl.UInt8,
  uint16: (pl) => pl.UInt16,
  uint32: (pl) => pl.UInt32,
  uint64: (pl) => pl.UInt64,
  float32: (pl) => pl.Float32,
  float64: (pl) => pl.Float64,
  float: (pl) => pl.Float64,
  str: (pl) => pl.Utf8,
  string: (pl) => pl.Utf8,
  utf8: (pl) => pl.Utf8,
  object: (pl) => pl.Utf8,
  bool: (pl) => pl.Bool,
  boolean: (pl) => pl.Bool,
  date: (pl) => pl.Date,
  datetime: (pl) => pl.Datetime("ms"),
};

export const dtypeMap =
  (name: string): Convert =>
  (v, pl) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) fail(name, "a mapping of column → type", v);
    const out: Record<string, DataType> = {};
    for (const [column, type] of Object.entries(v as Record<string, unknown>)) {
      const key = typeof type === "string" ? type.toLowerCase() : "";
      const make = DTYPES[key];
      if (!make) {
        const near = closestMatches(key, Object.keys(DTYPES));
        throw new DatasetError(
          "KILN_TABLE_BAD_ARG",
          `${name}.${column}: unknown type ${JSON.stringify(type)}.`,
          {
            hint: `${near.length > 0 ? `Did you mean "${near[0]}"? ` : ""}Types: ${Object.keys(DTYPES).join(", ")}.`,
          },
        );
      }
      out[column] = make(pl);
    }
    return out;
  };

/** Maps `args` (checked by the catalog already, or given in code) to engine options. */
export function mapArgs(
  pl: Polars,
  args: Record<string, unknown>,
  specs: Record<string, ArgSpec>,
  kind: "load_args" | "save_args",
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    const spec = specs[name];
    if (!spec) {
      const near = closestMatches(name, Object.keys(specs));
      throw new DatasetError("KILN_TABLE_BAD_ARG", `Unknown ${kind} "${name}".`, {
        hint: `${near.length > 0 ? `Did you mean "${near[0]}"? ` : ""}Known: ${Object.keys(specs).join(", ")}.`,
      });
    }
    options[spec.to] = spec.convert(value, pl);
  }
  return options;
}

/** A spec table from `[names…, option, converter factory]` rows (the first name is the canonical one). */
export function specs(
  rows: Array<[names: string[], to: string, convert: (name: string) => Convert]>,
): Record<string, ArgSpec> {
  const table: Record<string, ArgSpec> = {};
  for (const [names, to, make] of rows)
    for (const name of names) table[name] = { to, convert: make(`${name}`) };
  return table;
}
