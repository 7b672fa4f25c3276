import { describe, expect, it } from "vitest";
import { bindNamed, lineAt, qualifiedName, quoteIdent, withoutTrailingSemicolons } from "./sql-text.js";

describe("quoteIdent", () => {
  it("quotes any name, doubling inner quotes", () => {
    expect(quoteIdent('we"ird; DROP TABLE x; --')).toBe('"we""ird; DROP TABLE x; --"');
    expect(qualifiedName("t", "s")).toBe('"s"."t"');
  });

  it("refuses names it cannot quote", () => {
    expect(() => quoteIdent("")).toThrow(expect.objectContaining({ code: "KILN_SQL_BAD_CONFIG" }));
    expect(() => quoteIdent("a\0b")).toThrow(/not a usable SQL name/);
  });
});

describe("bindNamed", () => {
  const sql = [
    "SELECT ':skip' AS s, \"col:skip\", x::text -- :skip",
    "/* :skip */ FROM t WHERE a = :a AND b IN (:b, :a) AND c = $q$ :skip $q$",
  ].join("\n");

  it("makes :name positional outside strings, names, comments, casts and dollar quotes", () => {
    const pg = bindNamed(sql, { a: 1, b: "x" }, "postgresql");
    expect(pg.text).toBe(sql.replace("= :a", "= $1").replace("(:b, :a)", "($2, $1)"));
    expect(pg.values).toEqual([1, "x"]);
    const lite = bindNamed("SELECT :a, :b, :a", { a: 1, b: 2 }, "sqlite");
    expect(lite).toEqual({ text: "SELECT ?, ?, ?", values: [1, 2, 1] });
    expect(lineAt(pg.text, pg.text.indexOf("$2"))).toBe(2);
  });

  it("names a parameter the query needs but is not given, and one given but unused", () => {
    expect(() => bindNamed("SELECT :a, :c", { a: 1 }, "sqlite")).toThrow(
      expect.objectContaining({
        code: "KILN_SQL_BAD_PARAMS",
        message: "The query uses :c, which load_args.params does not give.",
      }),
    );
    expect(() => bindNamed("SELECT :a", { a: 1, z: 2 }, "postgresql")).toThrow(
      /gives "z", which the query does not use/,
    );
  });

  it("strips trailing semicolons", () => {
    expect(withoutTrailingSemicolons("SELECT 1;\n ; \n")).toBe("SELECT 1");
  });
});
