import type { SignatureType } from "../model-types.js";

/** What a converter returns for a value it cannot take. */
export const INVALID: unique symbol = Symbol("invalid");

/**
 * Turns one request value into the JS value a column of `type` holds (null stays null), or
 * {@link INVALID}. `text` is true for CSV fields, which are always strings.
 */
export type ValueConverter = (value: unknown, text: boolean) => unknown;

/** Words pandas reads as a missing value in a CSV field; Kiln does the same in non-text columns. */
const MISSING_WORDS = new Set([
  "NA",
  "N/A",
  "n/a",
  "NaN",
  "nan",
  "-NaN",
  "-nan",
  "NULL",
  "null",
  "None",
  "<NA>",
  "#N/A",
]);

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const SPECIAL_FLOATS: Record<string, number> = {
  inf: Number.POSITIVE_INFINITY,
  "+inf": Number.POSITIVE_INFINITY,
  "-inf": Number.NEGATIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  "+infinity": Number.POSITIVE_INFINITY,
  "-infinity": Number.NEGATIVE_INFINITY,
  nan: Number.NaN,
};
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/i;

const isMissing = (value: unknown, text: boolean) =>
  value === null ||
  value === undefined ||
  (text && typeof value === "string" && MISSING_WORDS.has(value.trim()));

function toFloat(value: unknown, text: boolean): unknown {
  if (typeof value === "number") return value;
  if (isMissing(value, text)) return null;
  if (typeof value === "string") {
    const trimmed = value.trim();
    if (NUMBER.test(trimmed)) return Number(trimmed);
    const special = SPECIAL_FLOATS[trimmed.toLowerCase()];
    if (special !== undefined) return special;
  }
  return INVALID;
}

/** Whole numbers in [min, end): JSON numbers with no fraction, or digit strings. */
function toInteger(min: number, end: number): ValueConverter {
  return (value, text) => {
    if (isMissing(value, text)) return null;
    let n: number | undefined;
    if (typeof value === "number") n = value;
    else if (typeof value === "string" && INTEGER.test(value.trim())) n = Number(value.trim());
    return n !== undefined && Number.isInteger(n) && n >= min && n < end ? n : INVALID;
  };
}

function toBoolean(value: unknown, text: boolean): unknown {
  if (typeof value === "boolean") return value;
  if (isMissing(value, text)) return null;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (word === "true" || word === "1") return true;
    if (word === "false" || word === "0") return false;
  }
  return INVALID;
}

function toText(value: unknown): unknown {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return null;
  // MLflow keeps numbers and booleans sent for a string column; a string column holds their text.
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return INVALID;
}

/** Binary values travel as base64 text (as in MLflow); a column holds their bytes. */
function toBytes(value: unknown, text: boolean): unknown {
  if (isMissing(value, text)) return null;
  if (typeof value !== "string") return INVALID;
  const compact = value.replace(/\s+/g, "");
  return BASE64.test(compact) ? Array.from(Buffer.from(compact, "base64")) : INVALID;
}

/** ISO 8601 date or date-time text; one without a zone is read as UTC (pandas keeps it naive). */
function toDate(value: unknown, text: boolean): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? INVALID : value;
  if (isMissing(value, text)) return null;
  if (typeof value !== "string") return INVALID;
  const trimmed = value.trim();
  let iso: string | undefined;
  if (DATE_ONLY.test(trimmed)) iso = `${trimmed}T00:00:00Z`;
  else {
    const m = DATE_TIME.exec(trimmed);
    if (m) iso = `${m[1]}T${m[2]}${m[3] ?? "Z"}`;
  }
  if (iso === undefined) return INVALID;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? INVALID : date;
}

const INT32 = 2 ** 31;
const INT64 = 2 ** 63;

/** The converter for each MLflow column type. */
export const VALUE_CONVERTERS: Record<SignatureType, ValueConverter> = {
  double: toFloat,
  float: toFloat,
  integer: toInteger(-INT32, INT32),
  long: toInteger(-INT64, INT64),
  boolean: toBoolean,
  string: toText,
  binary: toBytes,
  datetime: toDate,
};

/** What a value of each type looks like, for hints. */
export const TYPE_EXAMPLES: Record<SignatureType, string> = {
  double: "a number such as 1.5",
  float: "a number such as 1.5",
  integer: "a whole number such as 3 (32-bit)",
  long: "a whole number such as 3",
  boolean: "true or false",
  string: "text",
  binary: "base64 text",
  datetime: 'an ISO 8601 date or time such as "2024-05-01" or "2024-05-01T12:30:00Z"',
};
