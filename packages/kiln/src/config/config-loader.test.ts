import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../errors/index.js";
import { createLogger, type LogRecord } from "../logging/index.js";
import { type ConfDir, confDir, rejection } from "./__fixtures__/conf-dir.js";
import { ConfigLoader } from "./config-loader.js";

let dir: ConfDir;
beforeEach(async () => {
  dir = await confDir({
    "base/catalog.yml": "companies:\n  type: pandas.CSVDataset\n  filepath: data/companies.csv\n",
  });
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await dir.remove();
});

describe("ConfigLoader: environments", () => {
  it("reads base then local by default and locates every key", async () => {
    await dir.write({ "local/catalog.yml": "shuttles:\n  type: pandas.ExcelDataset\n" });
    const doc = await dir.loader().load("catalog");
    expect(Object.keys(doc.value)).toEqual(["companies", "shuttles"]);
    expect(doc.files).toEqual([dir.path("base/catalog.yml"), dir.path("local/catalog.yml")]);
    expect(doc.locate(["companies", "filepath"])).toEqual({
      file: dir.path("base/catalog.yml"),
      line: 3,
      column: 13,
    });
    expect(doc.locate(["shuttles"])).toEqual({ file: dir.path("local/catalog.yml"), line: 1, column: 1 });
    expect(doc.locate(["nope"])).toBeUndefined();
  });

  it("takes the environment from env, then KILN_ENV, then defaultRunEnv", async () => {
    await dir.write({
      "prod/catalog.yml": "p: 1\n",
      "staging/catalog.yml": "s: 1\n",
      "dev/catalog.yml": "d: 1\n",
    });
    vi.stubEnv("KILN_ENV", "staging");
    expect(dir.loader().env).toBe("staging");
    expect(dir.loader({ env: "prod" }).env).toBe("prod");
    expect(Object.keys((await dir.loader().load("catalog")).value)).toEqual(["companies", "s"]);
    vi.stubEnv("KILN_ENV", "");
    expect(dir.loader({ defaultRunEnv: "dev" }).env).toBe("dev");
    expect(Object.keys((await dir.loader({ defaultRunEnv: "dev" }).load("catalog")).value)).toEqual([
      "companies",
      "d",
    ]);
  });

  it("is fine without the default run environment's folder", async () => {
    const doc = await dir.loader().load("catalog");
    expect(Object.keys(doc.value)).toEqual(["companies"]);
  });

  it("reads only base when the run environment is base", async () => {
    await dir.write({ "local/catalog.yml": "companies: {type: X}\n" });
    expect((await dir.loader({ env: "base" }).load("catalog")).value.companies).toMatchObject({
      type: "pandas.CSVDataset",
    });
  });

  it("uses another base environment name", async () => {
    await dir.write({ "common/catalog.yml": "c: 1\n" });
    expect((await dir.loader({ baseEnv: "common" }).load("catalog")).value).toEqual({ c: 1 });
  });

  it("fails for an environment that was asked for but has no folder, listing those that exist", async () => {
    await dir.write({ "staging/catalog.yml": "s: 1\n", ".hidden/catalog.yml": "" });
    const error = await rejection(dir.loader({ env: "prod" }).load("catalog"));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe("KILN_CONFIG_ENV_NOT_FOUND");
    expect(error.message).toContain(dir.path("prod"));
    expect(error.message).toContain('"base", "staging"');
    expect(error.message).not.toContain("hidden");
    expect(error.hint).toContain("--env");
    const typo = await rejection(dir.loader({ env: "stagin" }).load("catalog"));
    expect(typo.hint).toBe('Did you mean "staging"?');
  });

  it("refuses an environment name that is not a folder name", async () => {
    const error = await rejection(dir.loader({ env: "../secrets" }).load("catalog"));
    expect(error.code).toBe("KILN_CONFIG_INVALID_ENV");
  });

  it("fails when conf/base or conf/ itself is missing", async () => {
    const noBase = await rejection(dir.loader({ baseEnv: "shared" }).load("catalog"));
    expect(noBase.code).toBe("KILN_CONFIG_BASE_NOT_FOUND");
    expect(noBase.message).toContain(dir.path("shared"));
    expect(noBase.hint).toContain("Create");
    const noConf = await rejection(new ConfigLoader({ confSource: `${dir.root}/nowhere` }).load("catalog"));
    expect(noConf.code).toBe("KILN_CONFIG_BASE_NOT_FOUND");
    expect(noConf.message).toContain("nowhere does not exist");
    expect(noConf.hint).toContain("confSource");
  });
});

describe("ConfigLoader: files", () => {
  it("matches Kedro's patterns: key-named files, key-named folders, and key-named files at any depth", async () => {
    await dir.write({
      "base/catalog_extra.yaml": "extra: 1\n",
      "base/catalog/nested.yml": "in_folder: 1\n",
      "base/pipelines/ds/catalog.json": '{"deep": 1}',
      "base/pipelines/ds/other.yml": "ignored: 1\n",
      "base/catalog.txt": "ignored: 1\n",
      "base/parameters.yml": "ignored: 1\n",
    });
    const doc = await dir.loader().load("catalog");
    expect(Object.keys(doc.value).sort()).toEqual(["companies", "deep", "extra", "in_folder"]);
  });

  it("ignores hidden files and folders", async () => {
    await dir.write({
      "base/.catalog.yml": "hidden_file: 1\n",
      "base/.ipynb_checkpoints/catalog.yml": "hidden_folder: 1\n",
      "base/catalog/.draft/catalog.yml": "hidden_nested: 1\n",
    });
    expect(Object.keys((await dir.loader().load("catalog")).value)).toEqual(["companies"]);
  });

  it("returns an empty document when no file matches", async () => {
    const doc = await dir.loader().load("credentials");
    expect(doc.value).toEqual({});
    expect(doc.files).toEqual([]);
  });

  it("loads custom keys registered through configPatterns, and lets patterns replace the defaults", async () => {
    await dir.write({
      "base/tracking.yml": "run_name: base\n",
      "local/tracking/store.yml": "store: sqlite\n",
      "base/params.yml": "lr: 0.1\n",
    });
    const loader = dir.loader({
      configPatterns: { tracking: ["tracking*", "tracking*/**", "**/tracking*"], parameters: ["params*"] },
    });
    expect((await loader.load("tracking")).value).toEqual({ run_name: "base", store: "sqlite" });
    expect((await loader.load("parameters")).value).toEqual({ lr: 0.1 });
    expect(loader.keys).toEqual(
      expect.arrayContaining(["catalog", "credentials", "globals", "logging", "tracking"]),
    );
  });

  it("fails for a key with no patterns, with a did-you-mean", async () => {
    const error = await rejection(dir.loader().load("catalgo"));
    expect(error.code).toBe("KILN_CONFIG_UNKNOWN_KEY");
    expect(error.hint).toBe('Did you mean "catalog"?');
    const other = await rejection(dir.loader().load("tracking"));
    expect(other.hint).toContain("configPatterns");
  });

  it("refuses bad options", () => {
    expect(() => dir.loader({ mergeStrategy: { parameters: "deep" as "soft" } })).toThrow(
      expect.objectContaining({ code: "KILN_CONFIG_INVALID_OPTION" }),
    );
    expect(() => dir.loader({ configPatterns: { tracking: "tracking*" as unknown as string[] } })).toThrow(
      expect.objectContaining({ code: "KILN_CONFIG_INVALID_OPTION" }),
    );
  });
});

describe("ConfigLoader: merging", () => {
  it("fails when two files of one environment set the same top-level key, naming both files and lines", async () => {
    await dir.write({ "base/catalog_more.yml": "other: 1\n\ncompanies:\n  type: X\n" });
    const error = await rejection(dir.loader().load("catalog"));
    expect(error.code).toBe("KILN_CONFIG_DUPLICATE_KEY");
    expect(error.message).toContain(`${dir.path("base/catalog.yml")}:1:1`);
    expect(error.message).toContain(`${dir.path("base/catalog_more.yml")}:3:1`);
    expect(error.message).toContain('"companies"');
    expect(error.hint).toContain("one file");
  });

  it("lists every duplicate at once", async () => {
    await dir.write({ "base/catalog_a.yml": "companies: {}\nx: 1\n", "base/catalog_b.yml": "x: 2\n" });
    const error = await rejection(dir.loader().load("catalog"));
    expect(error.message).toMatch(/Duplicate configuration keys:\n {2}- "companies".*\n {2}- "x"/);
  });

  it("allows `_`-prefixed top-level keys in several files and keeps them in the document", async () => {
    await dir.write({
      "base/catalog_a.yml": "_csv: &csv {type: A}\na: *csv\n",
      "base/catalog_b.yml": "_csv: &csv {type: B}\nb: *csv\n",
    });
    const doc = await dir.loader().load("catalog");
    expect(doc.value.a).toEqual({ type: "A" });
    expect(doc.value.b).toEqual({ type: "B" });
    expect(doc.value._csv).toBeDefined();
  });

  it("lets parameter files share a top-level mapping but not a key in it (as Kedro does)", async () => {
    await dir.write({
      "base/parameters_a.yml": "model_options:\n  test_size: 0.2\n",
      "base/parameters_b.yml": "model_options:\n  random_state: 3\n",
    });
    const doc = await dir.loader().load("parameters");
    expect(doc.value).toEqual({ model_options: { test_size: 0.2, random_state: 3 } });
    expect(doc.locate(["model_options", "random_state"])?.file).toBe(dir.path("base/parameters_b.yml"));
    await dir.write({ "base/parameters_c.yml": "model_options:\n  test_size: 0.3\n" });
    const error = await rejection(dir.loader().load("parameters"));
    expect(error.code).toBe("KILN_CONFIG_DUPLICATE_KEY");
    expect(error.message).toContain('"model_options.test_size"');
    expect(error.message).toContain(`${dir.path("base/parameters_a.yml")}:2:14`);
    expect(error.message).toContain(`${dir.path("base/parameters_c.yml")}:2:14`);
  });

  it("lets the run environment replace base's top-level keys whole (destructive, Kedro's default)", async () => {
    await dir.write({
      "base/parameters.yml": "model:\n  lr: 0.1\n  epochs: 5\nseed: 1\n",
      "local/parameters.yml": "model:\n  lr: 0.5\n",
    });
    const records: LogRecord[] = [];
    const doc = await dir
      .loader({ logger: createLogger({ level: "debug", sink: (r) => records.push(r) }) })
      .load("parameters");
    expect(doc.value).toEqual({ model: { lr: 0.5 }, seed: 1 });
    expect(doc.locate(["model", "lr"])).toEqual({
      file: dir.path("local/parameters.yml"),
      line: 2,
      column: 7,
    });
    expect(doc.locate(["model", "epochs"])).toBeUndefined();
    expect(records.some((r) => r.message.includes("overrides parameters keys: model"))).toBe(true);
  });

  it("deep-merges with mergeStrategy soft", async () => {
    await dir.write({
      "base/parameters.yml": "model:\n  lr: 0.1\n  epochs: 5\n  layers: [1, 2, 3]\n",
      "local/parameters.yml": "model:\n  lr: 0.5\n  layers: [8]\n",
    });
    const doc = await dir.loader({ mergeStrategy: { parameters: "soft" } }).load("parameters");
    expect(doc.value).toEqual({ model: { lr: 0.5, epochs: 5, layers: [8] } });
    expect(doc.locate(["model", "epochs"])?.file).toBe(dir.path("base/parameters.yml"));
    expect(doc.locate(["model", "lr"])?.file).toBe(dir.path("local/parameters.yml"));
    expect(doc.locate(["model", "layers", 0])).toEqual({
      file: dir.path("local/parameters.yml"),
      line: 3,
      column: 12,
    });
  });

  it("never lets a `__proto__` key reach a prototype", async () => {
    await dir.write({
      "base/parameters.yml": "__proto__:\n  polluted: true\n",
      "local/parameters.yml": "__proto__:\n  polluted: yes\n",
    });
    const doc = await dir.loader({ mergeStrategy: { parameters: "soft" } }).load("parameters");
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(doc.value, "__proto__")?.value).toEqual({ polluted: "yes" });
  });
});
