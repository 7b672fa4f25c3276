import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.js";
import { type ConfDir, confDir, rejection } from "./__fixtures__/conf-dir.js";
import { parseConfigFile } from "./parse-config-file.js";

let dir: ConfDir;
beforeEach(async () => {
  dir = await confDir();
});
afterEach(() => dir.remove());

async function parseError(text: string, name = "base/catalog.yml") {
  await dir.write({ [name]: text });
  return rejection(parseConfigFile(dir.path(name)));
}

describe("parseConfigFile", () => {
  it("reads YAML with the core schema and records where each value is set", async () => {
    await dir.write({
      "base/catalog.yml":
        "companies:\n  type: pandas.CSVDataset\n  filepath: data/companies.csv\n  load_args: {sep: ','}\n  cols: [a, b]\nn: 0x1F\nflag: yes\n",
    });
    const parsed = await parseConfigFile(dir.path("base/catalog.yml"));
    expect(parsed.value).toEqual({
      companies: {
        type: "pandas.CSVDataset",
        filepath: "data/companies.csv",
        load_args: { sep: "," },
        cols: ["a", "b"],
      },
      n: 31,
      flag: "yes", // YAML 1.1 booleans are strings in the core schema
    });
    const file = dir.path("base/catalog.yml");
    expect(parsed.locations.get(["companies"])).toEqual({ file, line: 1, column: 1 });
    expect(parsed.locations.get(["companies", "filepath"])).toEqual({ file, line: 3, column: 13 });
    expect(parsed.locations.get(["companies", "load_args", "sep"])).toEqual({ file, line: 4, column: 20 });
    expect(parsed.locations.get(["companies", "cols", 1])).toEqual({ file, line: 5, column: 13 });
  });

  it("reads JSON (tab-indented too) and treats an empty file as an empty mapping", async () => {
    await dir.write({ "base/catalog.json": '{\n\t"a": {"b": [1, 2]}\n}\n', "base/empty.yml": "" });
    const parsed = await parseConfigFile(dir.path("base/catalog.json"));
    expect(parsed.value).toEqual({ a: { b: [1, 2] } });
    expect(parsed.locations.get(["a", "b", 1])).toEqual({
      file: dir.path("base/catalog.json"),
      line: 2,
      column: 17,
    });
    expect((await parseConfigFile(dir.path("base/empty.yml"))).value).toEqual({});
  });

  it("supports anchors, aliases and merge keys, locating merged keys at their anchor", async () => {
    await dir.write({
      "base/catalog.yml":
        "_csv: &csv\n  type: pandas.CSVDataset\n  load_args: {sep: ','}\ncompanies:\n  <<: *csv\n  filepath: c.csv\nshuttles: *csv\n",
    });
    const parsed = await parseConfigFile(dir.path("base/catalog.yml"));
    expect(parsed.value.companies).toEqual({
      type: "pandas.CSVDataset",
      load_args: { sep: "," },
      filepath: "c.csv",
    });
    expect(parsed.value.shuttles).toEqual({ type: "pandas.CSVDataset", load_args: { sep: "," } });
    expect(parsed.value._csv).toBeDefined();
    const file = dir.path("base/catalog.yml");
    expect(parsed.locations.get(["companies", "type"])).toEqual({ file, line: 2, column: 9 });
    expect(parsed.locations.get(["companies", "filepath"])).toEqual({ file, line: 6, column: 13 });
    // Aliased values are copies: changing one does not change the other.
    (parsed.value.companies as { load_args: { sep: string } }).load_args.sep = ";";
    expect(parsed.value.shuttles).toEqual({ type: "pandas.CSVDataset", load_args: { sep: "," } });
  });

  it("reports a syntax error with file:line:col from the parser and a hint", async () => {
    const error = await parseError("a: 1\nb: [1, 2\nc: 3\n");
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe("KILN_CONFIG_YAML_SYNTAX");
    expect(error.message).toContain(`${dir.path("base/catalog.yml")}:3:1`);
    expect(error.hint).toBeTruthy();
    expect((error as ConfigError).location).toEqual({
      file: dir.path("base/catalog.yml"),
      line: 3,
      column: 1,
    });
  });

  it("names tabs, duplicate keys and several documents with their own hints", async () => {
    const tab = await parseError("a:\n\tb: 1\n");
    expect(tab.message).toContain(":2:1");
    expect(tab.hint).toMatch(/spaces/);
    const duplicate = await parseError("a: 1\nb: 2\na: 3\n");
    expect(duplicate.code).toBe("KILN_CONFIG_YAML_SYNTAX");
    expect(duplicate.message).toContain(`${dir.path("base/catalog.yml")}:3:1`);
    expect(duplicate.hint).toMatch(/once/);
    const multi = await parseError("a: 1\n---\nb: 2\n");
    expect(multi.message).toContain(":2:1");
    expect(multi.hint).toMatch(/one YAML document/);
  });

  it("never shows the source line of a syntax error (it could hold a secret)", async () => {
    const error = await parseError("db:\n  password: CANARY-6d1f: x\n", "local/credentials.yml");
    expect(error.code).toBe("KILN_CONFIG_YAML_SYNTAX");
    expect(error.message).toContain(`${dir.path("local/credentials.yml")}:2:`);
    expect(`${error.message} ${error.hint}`).not.toContain("CANARY");
  });

  it.each([
    ["!!js/function", "a: 1\nrun: !!js/function 'function () { return 1 }'\n", 2, 6],
    ["!python/object:os.system", "a: 1\nb:\n  c: !python/object:os.system [ls]\n", 3, 6],
    ["!!binary", "blob: !!binary aGVsbG8=\n", 1, 7],
    ["!!set", "s: !!set {a, b}\n", 1, 4],
    ["!!timestamp", "t: !!timestamp 2001-12-14\n", 1, 4],
    ["!custom", "!custom key: 1\n", 1, 1],
  ])("refuses the tag %s with file:line:col", async (tag, text, line, column) => {
    const error = await parseError(text);
    expect(error.code).toBe("KILN_CONFIG_UNSAFE_TAG");
    expect(error.message).toContain(`${dir.path("base/catalog.yml")}:${line}:${column}`);
    expect(error.message).toContain(tag);
    expect(error.hint).toMatch(/plain/);
  });

  it("allows explicit tags that only restate plain types", async () => {
    await dir.write({ "base/catalog.yml": "a: !!str 12\nb: !!int '7'\nc: !!map {x: 1}\n" });
    expect((await parseConfigFile(dir.path("base/catalog.yml"))).value).toEqual({
      a: "12",
      b: 7,
      c: { x: 1 },
    });
  });

  it("refuses an undefined alias, a recursive alias and an alias bomb", async () => {
    const undefinedAlias = await parseError("a: 1\nb: *nope\n");
    expect(undefinedAlias.code).toBe("KILN_CONFIG_BAD_ALIAS");
    expect(undefinedAlias.message).toContain(":2:4");
    const recursive = await parseError("a: &x\n  b: *x\n");
    expect(recursive.code).toBe("KILN_CONFIG_BAD_ALIAS");
    expect(recursive.message).toContain(":2:6");
    const rows = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const [name, prev] of [
      ["b", "a"],
      ["c", "b"],
      ["d", "c"],
      ["e", "d"],
      ["f", "e"],
    ])
      rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    const bomb = await parseError(`${rows.join("\n")}\n`);
    expect(bomb.code).toBe("KILN_CONFIG_BAD_ALIAS");
    expect(bomb.message).toContain(":2:");
  });

  it("refuses a file whose top level is not a mapping", async () => {
    const list = await parseError("# datasets\n- a\n- b\n");
    expect(list.code).toBe("KILN_CONFIG_NOT_A_MAPPING");
    expect(list.message).toContain(`${dir.path("base/catalog.yml")}:2:1`);
    expect(list.message).toContain("a list");
    const scalar = await parseError("just text\n");
    expect(scalar.message).toContain("a single value");
  });

  it("refuses collection keys", async () => {
    const error = await parseError("? [a, b]\n: 1\n");
    expect(error.code).toBe("KILN_CONFIG_YAML_SYNTAX");
    expect(error.message).toContain(":1:3");
  });

  it("reports a file it cannot read", async () => {
    const error = await rejection(parseConfigFile(dir.path("base/missing.yml")));
    expect(error.code).toBe("KILN_CONFIG_READ_FAILED");
    expect(error.message).toContain(`${dir.path("base/missing.yml")}:1:1`);
    expect(error.message).toContain("ENOENT");
  });
});
