import { ScoringRequestError } from "../errors.js";

/**
 * A request's data before any type is applied: named columns of JSON values (or CSV strings),
 * all of one length. Column-major, because a DataFrame is built column by column.
 */
export interface RawTable {
  columns: string[];
  values: unknown[][];
  rows: number;
  /** True for CSV: every value is a string (or null for an empty field), to be parsed by type. */
  text?: boolean;
}

/** The names pandas gives columns that have none: "0", "1", … */
export const positionalNames = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => String(i));

/** Fails on a column name given twice (a DataFrame cannot hold both). */
export function checkUniqueColumns(columns: string[], where: string): void {
  const seen = new Set<string>();
  for (const name of columns) {
    if (seen.has(name)) {
      throw new ScoringRequestError("KILN_SERVE_BAD_SHAPE", `${where} names the column "${name}" twice.`, {
        hint: "Give each column once.",
      });
    }
    seen.add(name);
  }
}

/** Rows of values (arrays) → a table, checking every row has `columns.length` values. */
export function tableFromRows(rows: unknown[], columns: string[], where: string): RawTable {
  const values: unknown[][] = columns.map(() => new Array(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!Array.isArray(row)) {
      throw new ScoringRequestError(
        "KILN_SERVE_BAD_SHAPE",
        `${where}[${r}] must be a list of ${columns.length} values; got ${describeJson(row)}.`,
        { hint: "Give each row as a list of values, in the order of the columns." },
      );
    }
    if (row.length !== columns.length) {
      throw new ScoringRequestError(
        "KILN_SERVE_BAD_SHAPE",
        `${where}[${r}] has ${row.length} values but there are ${columns.length} columns (${columns.join(", ")}).`,
        { hint: "Give every row one value per column." },
      );
    }
    for (let c = 0; c < columns.length; c++) values[c]![r] = row[c];
  }
  return { columns, values, rows: rows.length };
}

/** Row objects → a table: the union of their keys in first-seen order, a missing key is null. */
export function tableFromRecords(records: unknown[], where: string): RawTable {
  const index = new Map<string, number>();
  const values: unknown[][] = [];
  for (let r = 0; r < records.length; r++) {
    const record = records[r];
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      throw new ScoringRequestError(
        "KILN_SERVE_BAD_SHAPE",
        `${where}[${r}] must be an object of column values like the rows before it; got ${describeJson(record)}.`,
        { hint: 'Give every row as {"column": value, ...}.' },
      );
    }
    for (const key in record) {
      let c = index.get(key);
      if (c === undefined) {
        c = values.length;
        index.set(key, c);
        values.push(new Array(records.length).fill(null));
      }
      values[c]![r] = (record as Record<string, unknown>)[key];
    }
  }
  return { columns: [...index.keys()], values, rows: records.length };
}

/** A short description of a JSON value for messages: its kind and, if short, itself. */
export function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}
