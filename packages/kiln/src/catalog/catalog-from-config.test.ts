import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger, type LogRecord } from "../logging/index.js";
import { createCatalog } from "./catalog-from-config.js";
import { createDefaultRegistry, type DatasetContext } from "./dataset-types.js";
import { JSONDataset } from "./datasets/json-dataset.js";
import type { FileDataset } from "./file-dataset.js";
import { MemoryDataset } from "./memory-dataset.js";
import { VERSION_PATTERN } from "./versioning.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-catalog-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const quiet = createLogger({ level: "silent" });
const locate = (path: Array<string | number>) => ({
  file: "conf/base/catalog.yml",
  line: 10 + path.length,
  column: 3,
});

describe("createCatalog", () => {
  it("builds explicit entries of every built-in type and round-trips through them", async () => {
    const catalog = await createCatalog({
      logger: quiet,
      catalog: {
        _json: { type: "json.JSONDataset" }, // an anchor helper, not a dataset
        config: { type: "json.JSONDataset", filepath: `${dir}/config.json` },
        notes: { type: "text.TextDataset", filepath: `${dir}/notes.txt` },
        settings: { type: "yaml.YAMLDataset", filepath: `${dir}/settings.yml` },
        blob: { type: "binary.BinaryDataset", filepath: `${dir}/blob.bin` },
        model: { type: "pickle.PickleDataset", filepath: `${dir}/model.pkl`, backend: "pickle" },
        scratch: { type: "MemoryDataset", copy_mode: "assign" },
      },
    });
    expect(catalog.list()).toEqual(["blob", "config", "model", "notes", "scratch", "settings"]);
    const samples: Record<string, unknown> = {
      config: { a: [1, 2], b: "x" },
      notes: "hello\n",
      settings: { nested: { list: [1, "two"] } },
      blob: new Uint8Array([1, 2, 3]),
      model: { weights: new Float64Array([0.5, 1.5]), when: new Date(0), tags: new Set(["a"]) },
    };
    for (const [name, value] of Object.entries(samples)) {
      await catalog.save(name, value);
      expect(await catalog.load(name)).toEqual(value);
      expect(await catalog.exists(name)).toBe(true);
    }
    expect(JSON.parse(await readFile(`${dir}/config.json`, "utf8"))).toEqual(samples.config);
    expect(catalog.get("scratch")).toBeInstanceOf(MemoryDataset);
  });

  it("resolves dataset factories, most specific first, and builds them on first use", async () => {
    const catalog = await createCatalog({
      logger: quiet,
      catalog: {
        "{name}_json": { type: "json.JSONDataset", filepath: `${dir}/{name}.json` },
        "{layer}.{name}_json": { type: "json.JSONDataset", filepath: `${dir}/{layer}/{name}.json` },
      },
    });
    expect(catalog.has("companies_json")).toBe(true);
    expect(catalog.has("companies")).toBe(false);
    expect(catalog.resolvePattern("raw.companies_json")?.pattern.pattern).toBe("{layer}.{name}_json");
    await catalog.save("raw.companies_json", [1]);
    expect(JSON.parse(await readFile(`${dir}/raw/companies.json`, "utf8"))).toEqual([1]);
    expect(catalog.list()).toEqual(["raw.companies_json"]);
    await expect(catalog.load("companies")).rejects.toMatchObject({
      code: "KILN_CATALOG_DATASET_NOT_FOUND",
      message: expect.stringContaining('tried "{layer}.{name}_json", "{name}_json"'),
    });
  });

  it("checks a factory pattern's keys and args when the catalog is built, naming the pattern and its place", async () => {
    const error = await createCatalog({
      logger: quiet,
      locate,
      catalog: {
        "{name}_report": {
          type: "text.TextDataset",
          filepath: `${dir}/{name}.txt`,
          save_args: { indnet: 2 },
        },
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "KILN_CATALOG_UNKNOWN_ARG",
      message:
        'conf/base/catalog.yml:13:3 (pattern "{name}_report"): text.TextDataset has no save_args "indnet".',
    });
  });

  it("names the dataset, its pattern and the pattern's file:line:col when a factory dataset cannot be built", async () => {
    const catalog = await createCatalog({
      logger: quiet,
      locate,
      catalog: { "{mode}_mem_{name}": { type: "MemoryDataset", copy_mode: "{mode}" } },
    });
    expect(catalog.get("copy_mem_x")).toBeInstanceOf(MemoryDataset);
    const error = (() => {
      try {
        catalog.resolveAll(["copyy_mem_x", "deep_mem_y", "copy_mem_z", "not_a_factory_name"]);
      } catch (e) {
        return e as Error & { code: string; cause: Array<{ code: string; message: string; hint: string }> };
      }
    })();
    expect(error?.code).toBe("KILN_CATALOG_INVALID");
    expect(error?.cause.map((p) => p.code)).toEqual([
      "KILN_CATALOG_BAD_COPY_MODE",
      "KILN_CATALOG_BAD_COPY_MODE",
    ]);
    expect(error?.cause[0]).toMatchObject({
      message:
        'conf/base/catalog.yml:11:3 (dataset "copyy_mem_x" from pattern "{mode}_mem_{name}"): copy_mode must be assign, copy or deepcopy, got "copyy".',
      hint: expect.stringContaining("copy_mode: assign, copy or deepcopy"),
    });
    expect(error?.message).toContain('dataset "deep_mem_y" from pattern "{mode}_mem_{name}"');
  });

  it("versions saves under <filepath>/<version>/<file>, shares one save version, and loads the latest or a pin", async () => {
    const entry = { type: "json.JSONDataset", filepath: `${dir}/model.json`, versioned: true };
    const first = await createCatalog({
      logger: quiet,
      catalog: { model: entry, other: { ...entry, filepath: `${dir}/other.json` } },
    });
    await first.save("model", { v: 1 });
    await first.save("other", { v: 1 });
    const v1 = (first.get("model") as FileDataset<unknown>).lastSavedVersion!;
    expect(v1).toMatch(VERSION_PATTERN);
    expect((first.get("other") as FileDataset<unknown>).lastSavedVersion).toBe(v1);
    expect(await readdir(`${dir}/model.json`)).toEqual([v1]);
    expect(await readdir(`${dir}/model.json/${v1}`)).toEqual(["model.json"]);

    const second = await createCatalog({ logger: quiet, catalog: { model: entry } });
    await second.save("model", { v: 2 });
    expect(await second.load("model")).toEqual({ v: 2 });
    const pinned = await createCatalog({
      logger: quiet,
      catalog: { model: entry },
      loadVersions: { model: v1 },
    });
    expect(await pinned.load("model")).toEqual({ v: 1 });
    expect(await (pinned.get("model") as FileDataset<unknown>).listVersions()).toHaveLength(2);
  });

  it("gives two saves with the same save version distinct versions", async () => {
    const entry = { type: "json.JSONDataset", filepath: `${dir}/m.json`, versioned: true };
    const saveVersion = "2026-01-01T00.00.00.000Z";
    const a = await createCatalog({ logger: quiet, catalog: { m: entry }, saveVersion });
    const b = await createCatalog({ logger: quiet, catalog: { m: entry }, saveVersion });
    await Promise.all([a.save("m", "a"), b.save("m", "b")]);
    expect((await readdir(`${dir}/m.json`)).sort()).toEqual([
      "2026-01-01T00.00.00.000Z",
      "2026-01-01T00.00.00.001Z",
    ]);
  });

  it("fails to load a versioned dataset that was never saved, saying so", async () => {
    const catalog = await createCatalog({
      logger: quiet,
      catalog: { m: { type: "json.JSONDataset", filepath: `${dir}/m.json`, versioned: true } },
    });
    expect(await catalog.exists("m")).toBe(false);
    await expect(catalog.load("m")).rejects.toMatchObject({ code: "KILN_DATASET_NO_VERSIONS" });
  });

  it("passes credentials by name without ever showing their values", async () => {
    const canary = "s3cr3t-CANARY-value";
    const catalog = await createCatalog({
      logger: quiet,
      catalog: { a: { type: "json.JSONDataset", filepath: `${dir}/a.json`, credentials: "dev" } },
      credentials: { dev: { token: canary } },
    });
    expect(JSON.stringify(catalog.describe())).not.toContain(canary);
    const error = await createCatalog({
      logger: quiet,
      locate,
      catalog: { a: { type: "json.JSONDataset", filepath: `${dir}/a.json`, credentials: "devv" } },
      credentials: { dev: { token: canary } },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "KILN_CATALOG_MISSING_CREDENTIALS",
      hint: expect.stringContaining('Did you mean "dev"?'),
    });
    expect(
      JSON.stringify(error) + String((error as Error).message) + String((error as { hint: string }).hint),
    ).not.toContain(canary);
  });

  it("reports an unknown type with close matches and the file and line", async () => {
    const error = await createCatalog({
      logger: quiet,
      locate,
      catalog: { companies: { type: "json.JSONDatset" } },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "KILN_CATALOG_UNKNOWN_TYPE",
      message: 'conf/base/catalog.yml:12:3 (dataset "companies"): unknown dataset type "json.JSONDatset".',
      hint: expect.stringContaining('"json.JSONDataset"'),
    });
  });

  it.each(["pandas.CSVDataset", "plots.VegaLiteDataset", "matplotlib.MatplotlibWriter"])(
    "points Kedro's and Kiln's %s at the package that provides it, in this checkout",
    async (type) => {
      await expect(
        createCatalog({ logger: quiet, catalog: { c: { type, filepath: "x.csv" } } }),
      ).rejects.toMatchObject({
        code: "KILN_CATALOG_TYPE_NOT_INSTALLED",
        message: `Dataset "c": dataset type "${type}" comes with @kiln/datasets, which the project does not depend on.`,
        hint: expect.stringMatching(
          /"@kiln\/datasets": "file:.*\/packages\/datasets" from this Kiln checkout/,
        ),
      });
    },
  );

  it.each(["tracking.MetricDataset", "tracking.ArtifactDataset"])(
    "points %s at @kiln/tracking, in this checkout",
    async (type) => {
      await expect(createCatalog({ logger: quiet, catalog: { m: { type } } })).rejects.toMatchObject({
        code: "KILN_CATALOG_TYPE_NOT_INSTALLED",
        message: `Dataset "m": dataset type "${type}" comes with @kiln/tracking, which the project does not depend on.`,
        hint: expect.stringMatching(
          /"@kiln\/tracking": "file:.*\/packages\/tracking" from this Kiln checkout/,
        ),
      });
    },
  );

  it("warns once about Kedro-only arguments and rejects unknown ones", async () => {
    const logs: LogRecord[] = [];
    const logger = createLogger({ sink: (r) => logs.push(r) });
    const catalog = await createCatalog({
      logger,
      catalog: {
        a: {
          type: "kedro_datasets.json.JSONDataset",
          filepath: `${dir}/a.json`,
          save_args: { indent: 4, ensure_ascii: false },
        },
        b: { type: "json.JSONDataset", filepath: `${dir}/b.json`, save_args: { ensure_ascii: true } },
      },
    });
    expect(logs.filter((l) => l.level === "warn")).toHaveLength(1);
    expect(logs[0]!.message).toContain("save_args.ensure_ascii is a Kedro option");
    await catalog.save("a", { x: 1 });
    expect(await readFile(`${dir}/a.json`, "utf8")).toBe('{\n    "x": 1\n}\n');
    await expect(
      createCatalog({
        logger: quiet,
        catalog: { c: { type: "json.JSONDataset", filepath: "c.json", save_args: { indnet: 2 } } },
      }),
    ).rejects.toMatchObject({
      code: "KILN_CATALOG_UNKNOWN_ARG",
      hint: 'Did you mean "indent"? Its save_args: indent.',
    });
    await expect(
      createCatalog({
        logger: quiet,
        catalog: { c: { type: "json.JSONDataset", filepath: "c.json", filpath: 1 } },
      }),
    ).rejects.toMatchObject({
      code: "KILN_CATALOG_UNKNOWN_KEY",
      hint: expect.stringContaining('Did you mean "filepath"?'),
    });
  });

  it("collects every problem into one error", async () => {
    const error = (await createCatalog({
      logger: quiet,
      catalog: { a: "oops", b: { filepath: "x" }, c: { type: "nope.Nope" } },
    }).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: "KILN_CATALOG_INVALID" });
    expect(error.message).toContain("3 problems");
    expect(error.message).toContain('Dataset "a": a catalog entry must be a mapping');
    expect(error.message).toContain('Dataset "b": the entry has no `type`');
    expect(error.message).toContain('unknown dataset type "nope.Nope"');
  });

  it("allows one catch-all pattern only, and pins only versioned datasets", async () => {
    await expect(
      createCatalog({
        logger: quiet,
        catalog: { "{a}": { type: "MemoryDataset" }, "{b}": { type: "MemoryDataset" } },
      }),
    ).rejects.toMatchObject({ code: "KILN_CATALOG_MULTIPLE_CATCH_ALL" });
    await expect(
      createCatalog({
        logger: quiet,
        catalog: { a: { type: "json.JSONDataset", filepath: "a.json" } },
        loadVersions: { a: "2026-01-01T00.00.00.000Z" },
      }),
    ).rejects.toMatchObject({ code: "KILN_CATALOG_BAD_LOAD_VERSION" });
  });

  it("loads a module's dataset class named in the catalog", async () => {
    const catalog = await createCatalog({
      logger: quiet,
      projectPath: new URL(".", import.meta.url).pathname,
      catalog: { custom: { type: "./datasets/json-dataset.ts#JSONDataset", filepath: `${dir}/custom.json` } },
    });
    expect(catalog.get("custom")).toBeInstanceOf(JSONDataset);
    await expect(
      createCatalog({
        logger: quiet,
        catalog: { c: { type: "./datasets/json-dataset.ts#Nope" } },
        projectPath: new URL(".", import.meta.url).pathname,
      }),
    ).rejects.toMatchObject({
      code: "KILN_CATALOG_UNKNOWN_TYPE",
      hint: expect.stringContaining("JSONDataset"),
    });
  });

  it("keeps every entry's metadata (metadata.kiln.layer) in describe(), memory datasets included", async () => {
    const layer = (name: string) => ({ kiln: { layer: name } });
    const catalog = await createCatalog({
      logger: quiet,
      catalog: {
        scratch: { type: "MemoryDataset", metadata: layer("intermediate") },
        model: { type: "json.JSONDataset", filepath: `${dir}/m.json`, metadata: layer("models") },
        "{name}_mem": { type: "MemoryDataset", metadata: layer("{name}") },
      },
    });
    catalog.get("primary_mem");
    const described = catalog.describe();
    expect(described.scratch).toMatchObject({ type: "MemoryDataset", metadata: layer("intermediate") });
    expect(described.model).toMatchObject({ type: "JSONDataset", metadata: layer("models") });
    expect(described.primary_mem).toMatchObject({ metadata: layer("primary") });
    await expect(
      createCatalog({ logger: quiet, catalog: { m: { type: "MemoryDataset", metadata: "raw" } } }),
    ).rejects.toMatchObject({
      code: "KILN_CATALOG_BAD_ENTRY",
      message: 'Dataset "m": `metadata` must be a mapping.',
    });
  });

  it("hands dataset classes the project path, for relative paths other than filepath", async () => {
    class WhereDataset extends MemoryDataset {
      readonly base: string | undefined;
      constructor(_config: unknown, context: DatasetContext = {}) {
        super();
        this.base = context.projectPath;
      }
    }
    const registry = createDefaultRegistry().register("test.WhereDataset", WhereDataset);
    const catalog = await createCatalog({
      logger: quiet,
      registry,
      projectPath: dir,
      catalog: { w: { type: "test.WhereDataset" } },
    });
    expect((catalog.get("w") as WhereDataset).base).toBe(dir);
  });

  it("adds parameters", async () => {
    const catalog = await createCatalog({
      logger: quiet,
      catalog: {},
      parameters: { model: { alpha: 0.1 } },
    });
    expect(await catalog.load("params:model.alpha")).toBe(0.1);
  });
});

describe("createCatalog's errors", () => {
  const fails = (catalog: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    createCatalog({ logger: quiet, locate, catalog, ...extra }).catch((e: unknown) => e) as Promise<
      Error & { code: string; hint?: string; cause?: unknown }
    >;

  it("KILN_CATALOG_BAD_ENTRY: not a mapping, no type, a `versioned` that is not a boolean, an entry the dataset refuses", async () => {
    expect(await fails({ a: "oops" })).toMatchObject({
      code: "KILN_CATALOG_BAD_ENTRY",
      message: 'conf/base/catalog.yml:11:3 (dataset "a"): a catalog entry must be a mapping with a `type`.',
      hint: expect.stringContaining("type: json.JSONDataset"),
    });
    expect(await fails({ b: { filepath: "x" } })).toMatchObject({
      code: "KILN_CATALOG_BAD_ENTRY",
      message: expect.stringContaining("the entry has no `type`"),
      hint: expect.stringContaining("Add `type:`"),
    });
    expect(
      await fails({ c: { type: "json.JSONDataset", filepath: "c.json", versioned: "yes" } }),
    ).toMatchObject({
      code: "KILN_CATALOG_BAD_ENTRY",
      message: 'conf/base/catalog.yml:12:3 (dataset "c"): `versioned` must be true or false, got "yes".',
      hint: expect.stringContaining("`versioned: true`"),
    });
    const refused = await fails({ d: { type: "json.JSONDataset" } });
    expect(refused).toMatchObject({
      code: "KILN_CATALOG_BAD_ENTRY",
      message: 'conf/base/catalog.yml:11:3 (dataset "d"): JSONDataset needs a `filepath`.',
      hint: expect.stringContaining("filepath: data/01_raw/"),
    });
    // The dataset's own code stays on the cause.
    expect(refused.cause).toMatchObject({ code: "KILN_DATASET_NO_FILEPATH" });
  });

  it("KILN_CATALOG_BAD_ARGS: load_args / save_args that are not a mapping", async () => {
    expect(
      await fails({ a: { type: "json.JSONDataset", filepath: "a.json", save_args: "indent=2" } }),
    ).toMatchObject({
      code: "KILN_CATALOG_BAD_ARGS",
      message:
        'conf/base/catalog.yml:12:3 (dataset "a"): `save_args` must be a mapping of options, got string.',
      hint: "e.g. save_args: { indent: … }. json.JSONDataset's save_args: indent.",
    });
    expect(await fails({ a: { type: "text.TextDataset", filepath: "a.txt", load_args: [1] } })).toMatchObject(
      {
        code: "KILN_CATALOG_BAD_ARGS",
        hint: "text.TextDataset takes no load_args; remove it.",
      },
    );
  });

  it("KILN_CATALOG_BAD_CREDENTIALS: credentials that are neither a name nor a mapping, never showing values", async () => {
    const canary = "bad-creds-CANARY";
    const error = await fails(
      { a: { type: "json.JSONDataset", filepath: "a.json", credentials: 42 } },
      { credentials: { dev_s3: { secret: canary } } },
    );
    expect(error).toMatchObject({
      code: "KILN_CATALOG_BAD_CREDENTIALS",
      message:
        'conf/base/catalog.yml:12:3 (dataset "a"): `credentials` must be the name of an entry of credentials.yml (or a mapping), got number.',
      hint: 'Write e.g. `credentials: dev_s3` and define dev_s3 in conf/local/credentials.yml (defined: "dev_s3").',
    });
    expect(`${error.message}${error.hint}`).not.toContain(canary);
  });

  it("KILN_CATALOG_BAD_COPY_MODE: a MemoryDataset copy_mode other than assign, copy, deepcopy", async () => {
    expect(await fails({ m: { type: "MemoryDataset", copy_mode: "clone" } })).toMatchObject({
      code: "KILN_CATALOG_BAD_COPY_MODE",
      message:
        'conf/base/catalog.yml:11:3 (dataset "m"): copy_mode must be assign, copy or deepcopy, got "clone".',
      hint: expect.stringContaining("copy_mode: assign, copy or deepcopy"),
    });
  });

  it("KILN_CATALOG_TYPE_IMPORT: a module dataset type that cannot be imported", async () => {
    const error = await fails(
      { c: { type: "./datasets/no-such-file.ts#Nope", filepath: "c.json" } },
      { projectPath: new URL(".", import.meta.url).pathname },
    );
    expect(error).toMatchObject({
      code: "KILN_CATALOG_TYPE_IMPORT",
      message: expect.stringMatching(
        /^conf\/base\/catalog\.yml:12:3 \(dataset "c"\): could not import "\.\/datasets\/no-such-file\.ts"/,
      ),
      hint: expect.stringContaining("relative to the project folder"),
    });
  });

  it("checks a pattern's entry like any other (KILN_CATALOG_BAD_ENTRY, BAD_ARGS, MISSING_CREDENTIALS) but not templated credentials", async () => {
    const error = await fails(
      {
        "{n}_a": { type: "json.JSONDataset", filepath: "{n}.json", versioned: 1 },
        "{n}_b": { type: "json.JSONDataset", filepath: "{n}.json", load_args: "x" },
        "{n}_c": { type: "json.JSONDataset", filepath: "{n}.json", credentials: "nope" },
        "{n}_d": { type: "json.JSONDataset", filepath: "{n}.json", credentials: "{n}_creds" },
      },
      { credentials: { x_creds: { token: "t" } } },
    );
    expect(error.code).toBe("KILN_CATALOG_INVALID");
    expect((error.cause as Array<{ code: string }>).map((p) => p.code)).toEqual([
      "KILN_CATALOG_BAD_ENTRY",
      "KILN_CATALOG_BAD_ARGS",
      "KILN_CATALOG_MISSING_CREDENTIALS",
    ]);
    expect(error.message).toContain('(pattern "{n}_a"): `versioned` must be true or false, got 1.');
  });
});
