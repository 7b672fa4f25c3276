import { describe, expect, it } from "vitest";
import { isPattern, PatternResolver } from "./patterns.js";

const resolver = (...patterns: string[]) =>
  new PatternResolver(patterns.map((pattern) => ({ pattern, config: { type: pattern } })));

describe("PatternResolver", () => {
  it("recognises patterns", () => {
    expect(isPattern("{name}_csv")).toBe(true);
    expect(isPattern("companies")).toBe(false);
  });

  it("ranks by literal characters, then by more `{`, then alphabetically (Kedro's order)", () => {
    const r = resolver("{a}", "{namespace}.{name}", "{name}_csv", "{a}.{b}_csv", "x_{y}_csv", "{dataset}s");
    // Literal characters: x__csv 6, ._csv 5, _csv 4, "." 1 (two placeholders), "s" 1 (one), catch-all last.
    expect(r.list().map((p) => p.pattern)).toEqual([
      "x_{y}_csv",
      "{a}.{b}_csv",
      "{name}_csv",
      "{namespace}.{name}",
      "{dataset}s",
      "{a}",
    ]);
  });

  it("breaks a tie in literal characters by counting every `{`, a repeated placeholder too (as Kedro does)", () => {
    // Both have one literal character and two `{`: alphabetical decides, so "{a}_{a}" comes first,
    // although it has only one distinct placeholder.
    expect(
      resolver("{x}_{y}", "{a}_{a}")
        .list()
        .map((p) => p.pattern),
    ).toEqual(["{a}_{a}", "{x}_{y}"]);
    const r = resolver("{p}.", "{x}.{y}", "{n}.{n}");
    expect(r.list().map((p) => p.pattern)).toEqual(["{n}.{n}", "{x}.{y}", "{p}."]);
    expect(r.resolve("a.a")?.pattern.pattern).toBe("{n}.{n}");
    expect(r.resolve("a.b")?.pattern.pattern).toBe("{x}.{y}");
    expect(r.resolve("a.")?.pattern.pattern).toBe("{p}.");
  });

  it("picks the most specific match and fills placeholders everywhere in the config", () => {
    const r = new PatternResolver([
      { pattern: "{name}", config: { type: "MemoryDataset" } },
      {
        pattern: "{namespace}.{name}_csv",
        config: { type: "csv", filepath: "data/{namespace}/{name}.csv", meta: ["{name}"] },
      },
      { pattern: "{name}_csv", config: { type: "csv", filepath: "data/{name}.csv" } },
    ]);
    expect(r.resolve("active.companies_csv")).toEqual({
      pattern: expect.objectContaining({ pattern: "{namespace}.{name}_csv" }),
      config: { type: "csv", filepath: "data/active/companies.csv", meta: ["companies"] },
    });
    expect(r.resolve("shuttles_csv")?.config.filepath).toBe("data/shuttles.csv");
    expect(r.resolve("anything")?.pattern.pattern).toBe("{name}");
  });

  it("matches a pattern checked with isPattern just before (no regex state leaks)", () => {
    expect(isPattern("{name}_json")).toBe(true);
    expect(resolver("{name}_json").resolve("companies_json")?.pattern.pattern).toBe("{name}_json");
  });

  it("returns undefined when nothing matches", () => {
    expect(resolver("{name}_csv").resolve("companies")).toBeUndefined();
  });

  it("allows a single catch-all only", () => {
    expect(() => resolver("{a}", "{b}")).toThrow(
      expect.objectContaining({ code: "KILN_CATALOG_MULTIPLE_CATCH_ALL" }),
    );
  });
});
