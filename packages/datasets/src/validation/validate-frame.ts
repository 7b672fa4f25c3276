import { DatasetError, quoteList } from "kiln";
import type { DataFrame, Expr } from "nodejs-polars";
import type { Polars } from "../polars/load-polars.js";
import { COLUMN_TYPES, type ValidationRules } from "./rules.js";

/** One broken rule: which column and rule, how many rows, and the first few of them. */
export interface Violation {
  column?: string;
  rule: string;
  message: string;
  /** Rows that break it (0 for rules about the whole table). */
  count: number;
  /** Up to {@link SHOWN_ROWS} offending rows, with their 0-based position as `row`. */
  rows: Array<Record<string, unknown>>;
}

/** How many offending rows a violation shows. */
export const SHOWN_ROWS = 5;
const ROW = "__kiln_row";

function offending(
  df: DataFrame,
  condition: Expr,
  column: string,
): { count: number; rows: Violation["rows"] } {
  const hits = df.filter(condition);
  const rows = hits
    .head(SHOWN_ROWS)
    .select(ROW, column)
    .toRecords()
    .map(({ [ROW]: row, ...rest }) => ({ row, ...rest }));
  return { count: hits.height, rows };
}

/** Every violation of `rules` in `df` (an empty list when it passes). */
export function findViolations(pl: Polars, df: DataFrame, rules: ValidationRules): Violation[] {
  const violations: Violation[] = [];
  const { rows } = rules;
  if (rows?.min !== undefined && df.height < rows.min) {
    violations.push({
      rule: "rows.min",
      message: `${df.height} rows, fewer than the minimum ${rows.min}`,
      count: 0,
      rows: [],
    });
  }
  if (rows?.max !== undefined && df.height > rows.max) {
    violations.push({
      rule: "rows.max",
      message: `${df.height} rows, more than the maximum ${rows.max}`,
      count: 0,
      rows: [],
    });
  }
  const present = new Set(df.columns);
  if (rules.strict) {
    const extra = df.columns.filter((c) => !(c in rules.columns));
    if (extra.length > 0) {
      violations.push({
        rule: "strict",
        message: `columns not in the rules: ${quoteList(extra)}`,
        count: 0,
        rows: [],
      });
    }
  }
  const indexed = df.withRowIndex(ROW);
  for (const [column, rule] of Object.entries(rules.columns)) {
    if (!present.has(column)) {
      violations.push({ column, rule: "present", message: "the column is missing", count: 0, rows: [] });
      continue;
    }
    const col = pl.col(column);
    const dtype = df.getColumn(column).dtype.variant;
    if (rule.type && !(COLUMN_TYPES[rule.type] as readonly string[]).includes(dtype)) {
      violations.push({
        column,
        rule: "type",
        message: `type is ${dtype}, expected ${rule.type}`,
        count: 0,
        rows: [],
      });
      continue; // value rules would compare against the wrong kind of value
    }
    const check = (name: string, condition: Expr, describe: (count: number) => string) => {
      const found = offending(indexed, condition, column);
      if (found.count > 0) violations.push({ column, rule: name, message: describe(found.count), ...found });
    };
    if (rule.nullable === false)
      check("nullable", col.isNull(), (n) => `${n} null value${n === 1 ? "" : "s"}`);
    if (rule.min !== undefined)
      check("min", col.lt(rule.min), (n) => `${n} value${n === 1 ? "" : "s"} below ${rule.min}`);
    if (rule.max !== undefined)
      check("max", col.gt(rule.max), (n) => `${n} value${n === 1 ? "" : "s"} above ${rule.max}`);
    if (rule.allowed) {
      check(
        "allowed",
        col.isNotNull().and(col.isIn(rule.allowed).not()),
        (n) => `${n} value${n === 1 ? "" : "s"} not in ${JSON.stringify(rule.allowed)}`,
      );
    }
    if (rule.pattern !== undefined) {
      check(
        "pattern",
        col.isNotNull().and(col.cast(pl.Utf8).str.contains(rule.pattern).not()),
        (n) => `${n} value${n === 1 ? "" : "s"} not matching /${rule.pattern}/`,
      );
    }
    if (rule.unique)
      check(
        "unique",
        col.isNotNull().and(col.isDuplicated()),
        (n) => `${n} rows share a value with another row`,
      );
  }
  return violations;
}

/**
 * Checks the `validate:` rules that apply `when` (nothing without rules); `where` names the data in
 * the message (a file path, a table).
 * @throws DatasetError `KILN_TABLE_VALIDATION`
 */
export function checkFrame(
  pl: Polars,
  df: DataFrame,
  rules: ValidationRules | undefined,
  when: "load" | "save",
  where: string,
): void {
  if (!rules?.on.has(when)) return;
  const violations = findViolations(pl, df, rules);
  if (violations.length > 0) throw validationError(violations, when, where);
}

/** The error a failed validation raises: every violation, with a few offending rows each. */
export function validationError(violations: Violation[], when: "load" | "save", where: string): DatasetError {
  const lines = violations.map((v) => {
    const head = `  - ${v.column !== undefined ? `column "${v.column}", ` : ""}rule ${v.rule}: ${v.message}`;
    if (v.rows.length === 0) return head;
    const shown = v.rows.map((r) => `      ${JSON.stringify(r)}`).join("\n");
    const more = v.count > v.rows.length ? `\n      … and ${v.count - v.rows.length} more` : "";
    return `${head}\n${shown}${more}`;
  });
  return new DatasetError(
    "KILN_TABLE_VALIDATION",
    `${where} failed validation on ${when} (${violations.length} rule${violations.length === 1 ? "" : "s"} broken):\n${lines.join("\n")}`,
    {
      hint:
        when === "load"
          ? "Fix the data at its source, or loosen the entry's `validate:` rules if the data is right."
          : "Fix the node that produces this dataset, or loosen the entry's `validate:` rules.",
    },
  );
}
