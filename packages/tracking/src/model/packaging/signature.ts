// Inferring an MLflow signature from the data a training run saw: input columns from the input
// table's schema, outputs from what the inference returned on the input example, params from the
// parameters the inference reads. Tables are nodejs-polars DataFrames, recognised by shape so this
// package need not load the engine.
import type { ColumnSpec, ParamSpec, SignatureType } from "../mlmodel-types.js";

/** The part of a nodejs-polars DataFrame this module reads. */
export interface FrameLike {
  readonly columns: string[];
  readonly schema: Record<string, { variant: string }>;
  readonly height: number;
  head(length?: number): FrameLike;
  rows(): unknown[][];
}

/** The part of a nodejs-polars Series this module reads. */
interface SeriesLike {
  readonly name: string;
  readonly dtype: { variant: string };
  toArray(): unknown[];
}

export function isFrame(value: unknown): value is FrameLike {
  return (
    value !== null &&
    typeof value === "object" &&
    Array.isArray((value as FrameLike).columns) &&
    typeof (value as FrameLike).head === "function" &&
    typeof (value as FrameLike).rows === "function" &&
    typeof (value as FrameLike).schema === "object"
  );
}

function isSeries(value: unknown): value is SeriesLike {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as SeriesLike).toArray === "function" &&
    typeof (value as SeriesLike).dtype?.variant === "string"
  );
}

const POLARS_TYPES: Record<string, SignatureType> = {
  Bool: "boolean",
  Int8: "integer",
  Int16: "integer",
  Int32: "integer",
  UInt8: "integer",
  UInt16: "integer",
  Int64: "long",
  UInt32: "long",
  UInt64: "long",
  Float32: "float",
  Float64: "double",
  Decimal: "double",
  Utf8: "string",
  String: "string",
  Categorical: "string",
  Enum: "string",
  Date: "datetime",
  Datetime: "datetime",
  Binary: "binary",
};

/** The MLflow type of a Polars data type (by its `variant`), or undefined when MLflow has none. */
export function signatureTypeOfPolars(variant: string): SignatureType | undefined {
  return POLARS_TYPES[variant];
}

/** Columns, or why there are none. */
export type Inferred = { columns: ColumnSpec[] } | { columns: null; problem: string };

function frameColumns(frame: FrameLike): Inferred {
  const columns: ColumnSpec[] = [];
  for (const name of frame.columns) {
    const variant = frame.schema[name]?.variant ?? "unknown";
    const type = signatureTypeOfPolars(variant);
    if (type === undefined)
      return {
        columns: null,
        problem: `column "${name}" is of Polars type ${variant}, which an MLflow signature cannot describe`,
      };
    columns.push({ type, name, required: true });
  }
  return { columns };
}

/** One type for a list of plain values (integers and fractions together are doubles); undefined when mixed. */
export function typeOfValues(values: readonly unknown[]): SignatureType | undefined {
  let type: SignatureType | undefined;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const t: SignatureType | undefined =
      typeof v === "boolean"
        ? "boolean"
        : typeof v === "bigint"
          ? "long"
          : typeof v === "number"
            ? Number.isInteger(v)
              ? "long"
              : "double"
            : typeof v === "string"
              ? "string"
              : v instanceof Date
                ? "datetime"
                : v instanceof Uint8Array
                  ? "binary"
                  : undefined;
    if (t === undefined) return undefined;
    if (type === undefined || type === t) type = t;
    else if ((type === "long" && t === "double") || (type === "double" && t === "long")) type = "double";
    else return undefined;
  }
  return type;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;

/**
 * The columns of a value as a signature describes them: a DataFrame's named columns; one unnamed
 * column for a Series, a list or typed array of values, or a single value; the keys of a list of
 * records.
 */
export function inferColumns(value: unknown): Inferred {
  if (isFrame(value)) return frameColumns(value);
  if (isSeries(value)) {
    const type = signatureTypeOfPolars(value.dtype.variant);
    return type
      ? { columns: [{ type, required: true }] }
      : { columns: null, problem: `a Series of Polars type ${value.dtype.variant}` };
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const type = value instanceof Float32Array ? "float" : value instanceof Float64Array ? "double" : "long";
    return { columns: [{ type: value instanceof Int32Array ? "integer" : type, required: true }] };
  }
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isRecord)) {
      const names = [...new Set(value.flatMap((r) => Object.keys(r)))];
      const columns: ColumnSpec[] = [];
      for (const name of names) {
        const type = typeOfValues(value.map((r) => r[name]));
        if (!type) return { columns: null, problem: `records whose "${name}" values have no single type` };
        columns.push({ type, name, required: true });
      }
      return { columns };
    }
    const type = typeOfValues(value);
    return type
      ? { columns: [{ type, required: true }] }
      : { columns: null, problem: "a list whose values have no single MLflow type" };
  }
  const type = typeOfValues([value]);
  return type && value !== null && value !== undefined
    ? { columns: [{ type, required: true }] }
    : { columns: null, problem: `a value of type ${value === null ? "null" : typeof value}` };
}

/** The name prefix of a parameter dataset: `params:a.b` → `a.b`, `parameters` → "". */
export function parameterPrefix(dataset: string): string {
  return dataset === "parameters" ? "" : dataset.slice("params:".length);
}

/**
 * MLflow ParamSpecs for parameter datasets' values: one per leaf (nested mappings are flattened with
 * `.`: `model_options.test_size`), scalars and lists of scalars only. Leaves that cannot be
 * described (null, empty lists, lists of mappings) are returned in `skipped`: a request cannot
 * override them.
 */
export function inferParams(
  values: Readonly<Record<string, unknown>>,
  writtenAsFloat: (path: readonly string[]) => boolean = () => false,
): {
  params: ParamSpec[];
  skipped: string[];
} {
  const params = new Map<string, ParamSpec>();
  const skipped: string[] = [];
  // JavaScript has one number type: a whole number written as 1.0 in parameters.yml is a double.
  const typeAt = (name: string, values: readonly unknown[], list: boolean) => {
    const type = typeOfValues(values);
    if (type !== "long" || values.some((v) => typeof v === "bigint")) return type;
    const path = name.split(".");
    const written = list ? values.map((_, i) => [...path, String(i)]) : [path];
    return written.some((p) => writtenAsFloat(p)) ? "double" : type;
  };
  const walk = (name: string, value: unknown) => {
    if (isRecord(value)) {
      for (const [k, v] of Object.entries(value)) walk(name === "" ? k : `${name}.${k}`, v);
      return;
    }
    if (name === "") return;
    if (Array.isArray(value)) {
      const type = value.length > 0 && !value.some(isRecord) ? typeAt(name, value, true) : undefined;
      if (type) params.set(name, { name, type, default: value, shape: [-1] });
      else skipped.push(name);
      return;
    }
    const type = value === null || value === undefined ? undefined : typeAt(name, [value], false);
    if (type)
      params.set(name, {
        name,
        type,
        default: value instanceof Date ? value.toISOString() : value,
        shape: null,
      });
    else skipped.push(name);
  };
  for (const [dataset, value] of Object.entries(values)) walk(parameterPrefix(dataset), value);
  return { params: [...params.values()].sort((a, b) => (a.name < b.name ? -1 : 1)), skipped };
}
