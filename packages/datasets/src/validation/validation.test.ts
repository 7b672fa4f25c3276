import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CSVDataset } from "../polars/csv-dataset.js";
import { parseValidationRules } from "./rules.js";
import { findViolations } from "./validate-frame.js";

function thrown(fn: () => unknown): Error & { code?: string; hint?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string; hint?: string };
  }
  throw new Error("expected a throw");
}

describe("parseValidationRules", () => {
  it("settles defaults: both load and save, not strict", () => {
    const rules = parseValidationRules({ columns: { id: { nullable: false } } });
    expect([...rules.on].sort()).toEqual(["load", "save"]);
    expect(rules.strict).toBe(false);
  });

  it.each([
    [{ colums: {} }, 'unknown rule "colums"', 'Did you mean "columns"?'],
    [
      { columns: { id: { nulable: false } } },
      'validate.columns.id: unknown rule "nulable"',
      'Did you mean "nullable"?',
    ],
    [
      { columns: { id: { type: "integer" } } },
      'validate.columns.id.type: unknown column type "integer"',
      "Types: int, float",
    ],
    [{ columns: { p: { min: 5, max: 1 } } }, "min 5 is greater than max 1", "Swap them."],
    [
      { columns: { p: { min: "zero" } } },
      'validate.columns.p.min must be a number, got "zero"',
      "YAML number",
    ],
    [
      { columns: { s: { pattern: "([" } } },
      "validate.columns.s.pattern is not a valid regular expression",
      "Fix the pattern.",
    ],
    [{ on: "read" }, 'validate.on must be load, save or both, got "read"', "on: [load, save]"],
    [{ rows: { min: 1, most: 3 } }, 'validate.rows: unknown rule "most"', "min, max"],
    [[1], "`validate` must be a mapping", "validate:"],
  ])("refuses %j", (value, message, hint) => {
    const error = thrown(() => parseValidationRules(value));
    expect(error.code).toBe("KILN_TABLE_BAD_VALIDATE");
    expect(error.message).toContain(message);
    expect(error.hint).toContain(hint);
  });
});

describe("findViolations", () => {
  const df = pl.DataFrame({
    id: pl.Series("id", [1, 2, 2, 4, 5, 6, 7], pl.Int64),
    price: [10, -1, 3, null, -2, 5, 1000],
    type: ["A", "B", "C", "A", null, "Z", "A"],
    code: ["ab1", "xy2", "bad", "cd3", "ef4", "gh5", "ij6"],
  });

  it("passes data that meets every rule", () => {
    const rules = parseValidationRules({
      rows: { min: 1, max: 7 },
      columns: { id: { type: "int" }, code: { type: "string" } },
    });
    expect(findViolations(pl, df, rules)).toEqual([]);
  });

  it("reports each broken rule with its count and the first offending rows", () => {
    const rules = parseValidationRules({
      rows: { max: 5 },
      strict: true,
      columns: {
        id: { type: "int", unique: true },
        price: { type: "number", nullable: false, min: 0, max: 100 },
        type: { allowed: ["A", "B", "C"] },
        code: { pattern: "^[a-z]{2}[0-9]$" },
        missing: {},
      },
    });
    const found = findViolations(pl, df, rules);
    const byRule = Object.fromEntries(found.map((v) => [`${v.column ?? ""}:${v.rule}`, v]));
    expect(Object.keys(byRule).sort()).toEqual([
      ":rows.max",
      "code:pattern",
      "id:unique",
      "missing:present",
      "price:max",
      "price:min",
      "price:nullable",
      "type:allowed",
    ]);
    expect(byRule["price:min"]).toMatchObject({
      count: 2,
      rows: [
        { row: 1, price: -1 },
        { row: 4, price: -2 },
      ],
    });
    expect(byRule["price:nullable"]).toMatchObject({ count: 1, rows: [{ row: 3, price: null }] });
    expect(byRule["type:allowed"]).toMatchObject({ count: 1, rows: [{ row: 5, type: "Z" }] }); // the null is nullable's business
    expect(byRule["id:unique"]?.count).toBe(2);
    expect(byRule["code:pattern"]?.rows).toEqual([{ row: 2, code: "bad" }]);
  });

  it("reports a wrong column type instead of comparing values of the wrong kind", () => {
    const found = findViolations(
      pl,
      df,
      parseValidationRules({ columns: { code: { type: "float", min: 0 } } }),
    );
    expect(found).toEqual([
      { column: "code", rule: "type", message: "type is String, expected float", count: 0, rows: [] },
    ]);
  });

  it("flags extra columns only when strict", () => {
    const rules = { columns: { id: {} } };
    expect(findViolations(pl, df, parseValidationRules(rules))).toEqual([]);
    expect(findViolations(pl, df, parseValidationRules({ ...rules, strict: true }))[0]?.message).toBe(
      'columns not in the rules: "price", "type", "code"',
    );
  });
});

describe("validation in a dataset", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "kiln-validate-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("stops a load with the file, column, rule and offending rows", async () => {
    const path = join(dir, "companies.csv");
    await writeFile(path, "id,rating\n1,0.9\n2,1.7\n3,\n");
    const dataset = new CSVDataset({
      filepath: path,
      validate: { columns: { rating: { max: 1, nullable: false } } },
    });
    const error = (await dataset.load().catch((e: unknown) => e)) as Error & { code: string; hint: string };
    expect(error.code).toBe("KILN_TABLE_VALIDATION");
    expect(error.message).toBe(
      `${path} failed validation on load (2 rules broken):\n` +
        '  - column "rating", rule nullable: 1 null value\n      {"row":2,"rating":null}\n' +
        '  - column "rating", rule max: 1 value above 1\n      {"row":1,"rating":1.7}',
    );
    expect(error.hint).toContain("Fix the data at its source");
  });

  it("stops a save before anything is written, and checks only when asked", async () => {
    const path = join(dir, "out.csv");
    const bad = pl.DataFrame({ n: [1, -5] });
    const strict = new CSVDataset({ filepath: path, validate: { columns: { n: { min: 0 } } } });
    await expect(strict.save(bad)).rejects.toMatchObject({ code: "KILN_TABLE_VALIDATION" });
    expect(await strict.exists()).toBe(false);
    const onLoadOnly = new CSVDataset({
      filepath: path,
      validate: { on: "load", columns: { n: { min: 0 } } },
    });
    await onLoadOnly.save(bad);
    await expect(onLoadOnly.load()).rejects.toMatchObject({ code: "KILN_TABLE_VALIDATION" });
  });
});
