import { closestMatches, DatasetError } from "kiln";

/** Column types a `validate:` block can ask for, and the Polars dtypes each accepts. */
export const COLUMN_TYPES = {
  int: ["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"],
  float: ["Float32", "Float64"],
  number: ["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64"],
  string: ["String", "Utf8", "Categorical"],
  bool: ["Bool"],
  date: ["Date"],
  datetime: ["Datetime"],
} as const;

export type ColumnType = keyof typeof COLUMN_TYPES;

/** What one column must satisfy. Every field is optional. */
export interface ColumnRule {
  type?: ColumnType;
  /** False: no nulls allowed. */
  nullable?: boolean;
  min?: number;
  max?: number;
  /** The only values allowed (nulls are checked by `nullable`). */
  allowed?: Array<string | number | boolean>;
  /** A regular expression every string value matches. */
  pattern?: string;
  /** True: no value appears twice. */
  unique?: boolean;
}

/** A dataset's `validate:` block, checked. */
export interface ValidationRules {
  rows?: { min?: number; max?: number };
  columns: Record<string, ColumnRule>;
  /** True: columns not listed are an error. */
  strict: boolean;
  /** When the rules are checked. */
  on: ReadonlySet<"load" | "save">;
}

const TOP_KEYS = ["rows", "columns", "strict", "on"];
const COLUMN_KEYS = ["type", "nullable", "min", "max", "allowed", "pattern", "unique"];

function bad(message: string, hint: string): DatasetError {
  return new DatasetError("KILN_TABLE_BAD_VALIDATE", message, { hint });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unknownKeys(where: string, value: Record<string, unknown>, allowed: string[]): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const near = closestMatches(key, allowed);
    throw bad(
      `validate${where}: unknown rule "${key}".`,
      `${near.length > 0 ? `Did you mean "${near[0]}"? ` : ""}The rules here are: ${allowed.join(", ")}.`,
    );
  }
}

function optionalNumber(where: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw bad(
      `validate${where} must be a number, got ${JSON.stringify(value)}.`,
      "Write it as a YAML number.",
    );
  }
  return value;
}

function columnRule(name: string, value: unknown): ColumnRule {
  const where = `.columns.${name}`;
  if (!isRecord(value)) {
    throw bad(
      `validate${where} must be a mapping of rules.`,
      `e.g. ${name}: { type: float, nullable: false, min: 0 }`,
    );
  }
  unknownKeys(where, value, COLUMN_KEYS);
  const rule: ColumnRule = {};
  if (value.type !== undefined) {
    const types = Object.keys(COLUMN_TYPES);
    if (typeof value.type !== "string" || !types.includes(value.type)) {
      const near = typeof value.type === "string" ? closestMatches(value.type, types) : [];
      throw bad(
        `validate${where}.type: unknown column type ${JSON.stringify(value.type)}.`,
        `${near.length > 0 ? `Did you mean "${near[0]}"? ` : ""}Types: ${types.join(", ")}.`,
      );
    }
    rule.type = value.type as ColumnType;
  }
  if (value.nullable !== undefined) {
    if (typeof value.nullable !== "boolean")
      throw bad(`validate${where}.nullable must be true or false.`, "nullable: false");
    rule.nullable = value.nullable;
  }
  const min = optionalNumber(`${where}.min`, value.min);
  const max = optionalNumber(`${where}.max`, value.max);
  if (min !== undefined) rule.min = min;
  if (max !== undefined) rule.max = max;
  if (min !== undefined && max !== undefined && min > max) {
    throw bad(`validate${where}: min ${min} is greater than max ${max}.`, "Swap them.");
  }
  if (value.allowed !== undefined) {
    if (
      !Array.isArray(value.allowed) ||
      value.allowed.some((v) => !["string", "number", "boolean"].includes(typeof v))
    ) {
      throw bad(`validate${where}.allowed must be a list of values.`, 'allowed: ["a", "b"]');
    }
    rule.allowed = value.allowed as ColumnRule["allowed"];
  }
  if (value.pattern !== undefined) {
    if (typeof value.pattern !== "string")
      throw bad(`validate${where}.pattern must be a string.`, 'pattern: "^[A-Z]{3}$"');
    try {
      new RegExp(value.pattern);
    } catch (error) {
      throw bad(
        `validate${where}.pattern is not a valid regular expression: ${(error as Error).message}`,
        "Fix the pattern.",
      );
    }
    rule.pattern = value.pattern;
  }
  if (value.unique !== undefined) {
    if (typeof value.unique !== "boolean")
      throw bad(`validate${where}.unique must be true or false.`, "unique: true");
    rule.unique = value.unique;
  }
  return rule;
}

/**
 * Checks a catalog entry's `validate:` block and returns it in a settled shape.
 * @throws DatasetError `KILN_TABLE_BAD_VALIDATE` naming the rule that is wrong.
 */
export function parseValidationRules(value: unknown): ValidationRules {
  if (!isRecord(value)) {
    throw bad(
      "`validate` must be a mapping (rows, columns, strict, on).",
      "validate: { columns: { id: { nullable: false } } }",
    );
  }
  unknownKeys("", value, TOP_KEYS);
  const rules: ValidationRules = { columns: {}, strict: false, on: new Set(["load", "save"]) };
  if (value.rows !== undefined) {
    if (!isRecord(value.rows)) throw bad("validate.rows must be a mapping.", "rows: { min: 1, max: 100000 }");
    unknownKeys(".rows", value.rows, ["min", "max"]);
    const min = optionalNumber(".rows.min", value.rows.min);
    const max = optionalNumber(".rows.max", value.rows.max);
    rules.rows = { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  }
  if (value.columns !== undefined) {
    if (!isRecord(value.columns))
      throw bad(
        "validate.columns must be a mapping of column names to rules.",
        "columns: { price: { min: 0 } }",
      );
    for (const [name, rule] of Object.entries(value.columns)) rules.columns[name] = columnRule(name, rule);
  }
  if (value.strict !== undefined) {
    if (typeof value.strict !== "boolean")
      throw bad("validate.strict must be true or false.", "strict: true");
    rules.strict = value.strict;
  }
  if (value.on !== undefined) {
    const on = Array.isArray(value.on) ? value.on : [value.on];
    if (on.length === 0 || on.some((w) => w !== "load" && w !== "save")) {
      throw bad(
        `validate.on must be load, save or both, got ${JSON.stringify(value.on)}.`,
        "on: [load, save]",
      );
    }
    rules.on = new Set(on as Array<"load" | "save">);
  }
  return rules;
}
