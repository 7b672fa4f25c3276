// Polars column types ↔ SQL column types, both ways (the table is in docs/datasets.md).
import { DatasetError } from "kiln";
import type { DataFrame, DataType, Series } from "nodejs-polars";
import type { Polars } from "../polars/load-polars.js";
import type { ConnectionTarget } from "./connection.js";
import type { QueryResult } from "./sql-client.js";

type Dialect = ConnectionTarget["dialect"];

/** SQL column types for Polars dtypes: [SQLite, PostgreSQL]. */
const SQL_TYPES: Record<string, [string, string]> = {
  Int8: ["INTEGER", "SMALLINT"],
  Int16: ["INTEGER", "SMALLINT"],
  UInt8: ["INTEGER", "SMALLINT"],
  Int32: ["INTEGER", "INTEGER"],
  UInt16: ["INTEGER", "INTEGER"],
  Int64: ["INTEGER", "BIGINT"],
  UInt32: ["INTEGER", "BIGINT"],
  UInt64: ["INTEGER", "BIGINT"],
  Float32: ["REAL", "REAL"],
  Float64: ["REAL", "DOUBLE PRECISION"],
  Bool: ["BOOLEAN", "BOOLEAN"],
  String: ["TEXT", "TEXT"],
  Utf8: ["TEXT", "TEXT"],
  Categorical: ["TEXT", "TEXT"],
  Null: ["TEXT", "TEXT"],
  Date: ["DATE", "DATE"],
  Datetime: ["TIMESTAMP", "TIMESTAMP"],
};

/**
 * The SQL type a column is created with.
 * @throws DatasetError `KILN_SQL_UNSUPPORTED_TYPE` for dtypes with no SQL column type here (lists, structs, …).
 */
export function sqlTypeOf(dialect: Dialect, column: string, dtype: DataType): string {
  const types = SQL_TYPES[dtype.variant];
  if (!types) {
    throw new DatasetError(
      "KILN_SQL_UNSUPPORTED_TYPE",
      `Column "${column}" is ${dtype.variant}, which Kiln does not store in SQL tables.`,
      {
        hint: `Cast it first (e.g. pl.col("${column}").cast(pl.Utf8)), set save_args.dtype.${column} to a SQL type, or save it to a Parquet dataset.`,
      },
    );
  }
  if (dialect === "postgresql" && dtype.variant === "Datetime" && (dtype as { timeZone?: string }).timeZone) {
    return "TIMESTAMPTZ";
  }
  return dialect === "sqlite" ? types[0] : types[1];
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const dateText = (d: Date) =>
  `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const timestampText = (d: Date) =>
  `${dateText(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;

/**
 * A column's values ready to bind: 64-bit integers exact (bigint), booleans as themselves (the
 * SQLite client stores 1/0), dates as `YYYY-MM-DD`, timestamps as UTC `YYYY-MM-DD hh:mm:ss.sss`
 * (an ISO string with `Z` for zoned ones), nulls as null.
 */
export function bindValues(pl: Polars, series: Series): unknown[] {
  const variant = series.dtype.variant;
  if (variant === "Int64" || variant === "UInt64" || variant === "UInt32") {
    return (series.cast(pl.Utf8).toArray() as Array<string | null>).map((v) =>
      v === null ? null : BigInt(v),
    );
  }
  if (variant === "Categorical") return series.cast(pl.Utf8).toArray();
  const values = series.toArray() as unknown[];
  if (variant === "Date") return values.map((v) => (v instanceof Date ? dateText(v) : v));
  if (variant === "Datetime") {
    const zoned = Boolean((series.dtype as { timeZone?: string }).timeZone);
    return values.map((v) => (v instanceof Date ? (zoned ? v.toISOString() : timestampText(v)) : v));
  }
  return values;
}

/** What a database's column type says the Polars column should be (undefined: look at the values). */
function dtypeFor(pl: Polars, type: string | null): DataType | undefined {
  if (type === null) return undefined;
  const exact: Record<string, DataType> = {
    int2: pl.Int16,
    int4: pl.Int32,
    int8: pl.Int64,
    float4: pl.Float32,
    float8: pl.Float64,
    numeric: pl.Float64,
    bool: pl.Bool,
    date: pl.Date,
    timestamp: pl.Datetime("ms"),
    timestamptz: pl.Datetime("ms", "UTC"),
    text: pl.Utf8,
  };
  if (exact[type]) return exact[type];
  // SQLite: a declared type, read with SQLite's affinity rules plus BOOLEAN, DATE and TIMESTAMP.
  if (type.includes("int")) return pl.Int64;
  if (type.includes("bool")) return pl.Bool;
  if (type.includes("timestamp") || type.includes("datetime")) return pl.Datetime("ms");
  if (type.includes("date")) return pl.Date;
  if (type.includes("char") || type.includes("clob") || type.includes("text")) return pl.Utf8;
  if (type.includes("real") || type.includes("floa") || type.includes("doub")) return pl.Float64;
  return undefined;
}

const isInteger = (v: unknown) => typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v));
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A UTC date from SQLite's text (`YYYY-MM-DD`, with an optional time, `T`, zone). */
function parseDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (
    typeof value !== "string" ||
    !/^\d{4}-\d\d-\d\d([ T]\d\d:\d\d(:\d\d(\.\d+)?)?)?(Z|[+-]\d\d(:?\d\d)?)?$/.test(value)
  ) {
    return undefined;
  }
  const iso = value.replace(" ", "T");
  const date = new Date(
    /T/.test(iso) ? (/(Z|[+-]\d\d(:?\d\d)?)$/.test(iso) ? iso : `${iso}Z`) : `${iso}T00:00:00Z`,
  );
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function integers(pl: Polars, name: string, values: unknown[], dtype: DataType): Series {
  if (values.some((v) => typeof v === "bigint" && (v > SAFE || v < -SAFE))) {
    // Beyond 2^53 a JS number is inexact: go through text, which Polars parses exactly.
    return pl
      .Series(
        name,
        values.map((v) => (v === null ? null : String(v))),
      )
      .cast(dtype);
  }
  return pl.Series(
    name,
    values.map((v) => (v === null ? null : Number(v))),
    dtype,
  );
}

/** One column as the type says, or undefined when its values do not fit that type. */
function typedSeries(pl: Polars, name: string, values: unknown[], dtype: DataType): Series | undefined {
  const present = values.filter((v) => v !== null);
  switch (dtype.variant) {
    case "Int16":
    case "Int32":
    case "Int64":
      return present.every(isInteger) ? integers(pl, name, values, dtype) : undefined;
    case "Float32":
    case "Float64":
      return present.every((v) => typeof v === "number" || typeof v === "bigint")
        ? pl.Series(
            name,
            values.map((v) => (v === null ? null : Number(v))),
            dtype,
          )
        : undefined;
    case "Bool":
      if (present.every((v) => typeof v === "boolean")) return pl.Series(name, values, pl.Bool);
      return present.every((v) => v === 0n || v === 1n || v === 0 || v === 1)
        ? pl.Series(
            name,
            values.map((v) => (v === null ? null : Number(v) === 1)),
            pl.Bool,
          )
        : undefined;
    case "Date":
    case "Datetime": {
      const dates = values.map((v) => (v === null ? null : parseDate(v)));
      return dates.every((d, i) => d !== undefined || values[i] === null)
        ? pl.Series(name, dates, dtype)
        : undefined;
    }
    case "String":
      return present.every((v) => typeof v === "string") ? pl.Series(name, values, pl.Utf8) : undefined;
    default:
      return undefined;
  }
}

/** A column whose type is unknown (query expressions in SQLite) or whose values do not match it. */
function inferredSeries(pl: Polars, name: string, values: unknown[]): Series {
  const present = values.filter((v) => v !== null);
  if (present.some((v) => v instanceof Uint8Array)) {
    throw new DatasetError(
      "KILN_SQL_UNSUPPORTED_TYPE",
      `Column "${name}" holds binary data (BLOB/BYTEA), which Kiln does not load into DataFrames.`,
      {
        hint: `Leave it out (load_args.columns, or the query's SELECT list), or select it as text: hex(${name}) / encode(${name}, 'hex').`,
      },
    );
  }
  // SQLite gives INTEGER values as bigint and REAL ones as number (3.0 too): only bigints are integers.
  if (present.length > 0 && present.every((v) => typeof v === "bigint"))
    return integers(pl, name, values, pl.Int64);
  if (present.length > 0 && present.every((v) => typeof v === "number" || typeof v === "bigint")) {
    return pl.Series(
      name,
      values.map((v) => (v === null ? null : Number(v))),
      pl.Float64,
    );
  }
  if (present.length > 0 && present.every((v) => typeof v === "boolean"))
    return pl.Series(name, values, pl.Bool);
  if (present.length > 0 && present.every((v) => v instanceof Date))
    return pl.Series(name, values, pl.Datetime("ms"));
  // Mixed values (SQLite lets a column hold any) become text, so nothing is lost.
  const text = values.map((v) => (v === null ? null : v instanceof Date ? v.toISOString() : String(v)));
  return pl.Series(name, text, pl.Utf8);
}

/**
 * A query result as a DataFrame: each column typed by what the database says it is, else by its
 * values; values that do not fit the declared type (SQLite stores anything) fall back the same way.
 * @throws DatasetError `KILN_SQL_DUPLICATE_COLUMN` when two result columns share a name.
 */
export function frameFromResult(pl: Polars, result: QueryResult): DataFrame {
  const seen = new Set<string>();
  const series = result.columns.map((column, c) => {
    if (seen.has(column.name)) {
      throw new DatasetError(
        "KILN_SQL_DUPLICATE_COLUMN",
        `The result has two columns named "${column.name}".`,
        {
          hint: `Give them different names in the SELECT list: ... AS ${column.name}_2.`,
        },
      );
    }
    seen.add(column.name);
    const values = result.rows.map((row) => row[c]);
    const dtype = dtypeFor(pl, column.type);
    if (values.length === 0) return pl.Series(column.name, [], dtype ?? pl.Utf8);
    return (dtype && typedSeries(pl, column.name, values, dtype)) ?? inferredSeries(pl, column.name, values);
  });
  return pl.DataFrame(series);
}
