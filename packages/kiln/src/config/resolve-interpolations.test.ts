// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about ${...} interpolation in config text.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ConfDir, confDir, rejection } from "./__fixtures__/conf-dir.js";

let dir: ConfDir;
beforeEach(async () => {
  dir = await confDir();
});
afterEach(() => dir.remove());

async function loadParameters(files: Record<string, string>, options = {}) {
  await dir.write(files);
  return dir.loader(options).load("parameters");
}

describe("interpolation within one config", () => {
  it("keeps the referenced value's type for a whole-string reference and interpolates text otherwise", async () => {
    const doc = await loadParameters({
      "base/parameters.yml": [
        "model:",
        "  lr: 0.1",
        "  layers: [64, 32]",
        "  opts: {dropout: true}",
        "copy_lr: ${model.lr}",
        "copy_layers: ${model.layers}",
        "copy_opts: '${model.opts}'",
        "first_layer: ${model.layers[0]}",
        "dotted_index: ${model.layers.1}",
        'label: "lr=${model.lr}, layers=${model.layers}"',
        "",
      ].join("\n"),
    });
    expect(doc.value.copy_lr).toBe(0.1);
    expect(doc.value.copy_layers).toEqual([64, 32]);
    expect(doc.value.copy_opts).toEqual({ dropout: true });
    expect(doc.value.first_layer).toBe(64);
    expect(doc.value.dotted_index).toBe(32);
    expect(doc.value.label).toBe("lr=0.1, layers=[64,32]");
    // A copied mapping's keys point where they were written.
    expect(doc.locate(["copy_opts", "dropout"])).toEqual({
      file: dir.path("base/parameters.yml"),
      line: 4,
      column: 19,
    });
    expect(doc.locate(["copy_opts"])).toEqual({ file: dir.path("base/parameters.yml"), line: 7, column: 12 });
  });

  it("resolves after merging, so local may refer to base and base sees local's values", async () => {
    const doc = await loadParameters({
      "base/parameters.yml": "bucket: s3://base\nraw: ${bucket}/raw\n",
      "local/parameters.yml": "bucket: s3://local\nlocal_raw: ${raw}\n",
    });
    expect(doc.value).toEqual({ bucket: "s3://local", raw: "s3://local/raw", local_raw: "s3://local/raw" });
  });

  it("follows chains and relative references", async () => {
    const doc = await loadParameters({
      "base/parameters.yml": "a: ${b}\nb: ${c.d}\nc:\n  d: 1\n  e: ${.d}\n  f:\n    g: ${..d}\n",
    });
    expect(doc.value).toEqual({ a: 1, b: 1, c: { d: 1, e: 1, f: { g: 1 } } });
  });

  it("keeps escaped interpolations literal", async () => {
    const doc = await loadParameters({
      "base/parameters.yml": "x: 1\nliteral: \\${x}\nmixed: a \\${x} b ${x}\ncopy: ${literal}\n",
    });
    expect(doc.value.literal).toBe("${x}");
    expect(doc.value.mixed).toBe("a ${x} b 1");
    expect(doc.value.copy).toBe("${x}");
  });

  it("fails for a missing reference with file:line:col and a did-you-mean", async () => {
    const error = await rejection(
      loadParameters({ "base/parameters.yml": "model:\n  learning_rate: 0.1\nlr: ${model.learning_rat}\n" }),
    );
    expect(error.code).toBe("KILN_CONFIG_MISSING_REFERENCE");
    expect(error.message).toContain(`${dir.path("base/parameters.yml")}:3:5`);
    expect(error.message).toContain('"model.learning_rat"');
    expect(error.message).toContain('parameters "lr"');
    expect(error.hint).toContain('Did you mean "model.learning_rate"?');
  });

  it("reports every broken interpolation at once, each once", async () => {
    const error = await rejection(
      loadParameters({ "base/parameters.yml": "a: ${nope}\nb: ${a}\nc: ${globals:missing}\n" }),
    );
    expect(error.message).toMatch(/^2 problems resolving the parameters config:/);
    expect(error.message).toContain(":1:4");
    expect(error.message).toContain(":3:4");
  });

  it("fails for a cycle, printing the loop", async () => {
    const error = await rejection(loadParameters({ "base/parameters.yml": "a: ${b}\nb: ${c}\nc: ${a}\n" }));
    expect(error.code).toBe("KILN_CONFIG_INTERPOLATION_CYCLE");
    expect(error.message).toContain("a -> b -> c -> a");
    expect(error.message).toContain(`${dir.path("base/parameters.yml")}:1:4`);
    expect(error.message).not.toMatch(/problems/);
    const self = await rejection(loadParameters({ "base/parameters.yml": "a:\n  b: ${a}\n" }));
    expect(self.code).toBe("KILN_CONFIG_INTERPOLATION_CYCLE");
  });

  it.each([
    ["x: ${a", "no closing"],
    ["x: ${}", "is empty"],
    ["x: ${a, 1}", "plain reference"],
    ["x: ${globals:a, 1, 2}", "3 arguments"],
    ["x: ${a..b}", "invalid key"],
  ])("fails for the malformed %s with file:line:col", async (line, what) => {
    const error = await rejection(loadParameters({ "base/parameters.yml": `ok: 1\n${line}\n` }));
    expect(error.code).toBe("KILN_CONFIG_BAD_INTERPOLATION");
    expect(error.message).toContain(`${dir.path("base/parameters.yml")}:2:4`);
    expect(error.message).toContain(what);
    expect(error.hint).toContain("\\${...}");
  });

  it("fails for an unknown resolver with a did-you-mean", async () => {
    const error = await rejection(loadParameters({ "base/parameters.yml": "x: ${global:bucket}\n" }));
    expect(error.code).toBe("KILN_CONFIG_UNKNOWN_RESOLVER");
    expect(error.message).toContain(":1:4");
    expect(error.hint).toContain('Did you mean "globals"?');
  });
});

describe("globals and runtime_params resolvers", () => {
  it("reads globals.yml from base and the run environment, with defaults", async () => {
    await dir.write({
      "base/globals.yml": "bucket: s3://base\nfolders:\n  raw: 01_raw\n",
      "local/globals.yml": "bucket: s3://local\n",
      "base/catalog.yml": [
        "companies:",
        "  filepath: ${globals:bucket}/${globals:folders.raw}/companies.csv",
        "  versioned: ${globals:versioned, false}",
        "  workers: ${globals:workers, 4}",
        "  name: ${globals:name, 'co, ltd'}",
        "  nested: ${globals:nope, ${globals:bucket}}",
        "",
      ].join("\n"),
    });
    const loader = dir.loader();
    const catalog = await loader.load("catalog");
    expect(catalog.value.companies).toEqual({
      filepath: "s3://local/01_raw/companies.csv",
      versioned: false,
      workers: 4,
      name: "co, ltd",
      nested: "s3://local",
    });
    expect((await loader.load("globals")).value).toEqual({
      bucket: "s3://local",
      folders: { raw: "01_raw" },
    });
  });

  it("reads every globals* file: .yaml, .json, suffixed names and a globals/ folder", async () => {
    await dir.write({
      "base/globals.yaml": "bucket: s3://base\n",
      "base/globals_paths.yml": "paths:\n  raw: 01_raw\n",
      "base/globals.json": '{"workers": 8}',
      "base/globals/more.yml": "region: eu-west-1\n",
      "local/globals_local.yaml": "bucket: s3://local\n",
      "base/catalog.yml":
        "a:\n  path: ${globals:bucket}/${globals:paths.raw}/${globals:region}\n  n: ${globals:workers}\n",
    });
    const loader = dir.loader();
    const globals = await loader.load("globals");
    expect(globals.value).toEqual({
      bucket: "s3://local",
      paths: { raw: "01_raw" },
      workers: 8,
      region: "eu-west-1",
    });
    expect(globals.files).toEqual([
      dir.path("base/globals.json"),
      dir.path("base/globals.yaml"),
      dir.path("base/globals/more.yml"),
      dir.path("base/globals_paths.yml"),
      dir.path("local/globals_local.yaml"),
    ]);
    expect(globals.locate(["paths", "raw"])).toEqual({
      file: dir.path("base/globals_paths.yml"),
      line: 2,
      column: 8,
    });
    expect((await loader.load("catalog")).value.a).toEqual({ path: "s3://local/01_raw/eu-west-1", n: 8 });
  });

  it("refuses one globals key set in two globals files of an environment, naming both", async () => {
    await dir.write({ "base/globals.yml": "bucket: a\n", "base/globals_more.yml": "bucket: b\n" });
    const error = await rejection(dir.loader().load("globals"));
    expect(error.code).toBe("KILN_CONFIG_DUPLICATE_KEY");
    expect(error.message).toContain(dir.path("base/globals.yml"));
    expect(error.message).toContain(dir.path("base/globals_more.yml"));
  });

  it("fails for a missing globals key with file:line:col and a did-you-mean", async () => {
    await dir.write({
      "base/globals.yml": "bucket: b\n",
      "base/catalog.yml": "a:\n  path: ${globals:buckt}/x\n",
    });
    const error = await rejection(dir.loader().load("catalog"));
    expect(error.code).toBe("KILN_CONFIG_MISSING_REFERENCE");
    expect(error.message).toContain(`${dir.path("base/catalog.yml")}:2:9`);
    expect(error.hint).toContain('Did you mean "bucket"?');
    expect(error.hint).toContain(dir.path("base/globals.yml"));
  });

  it("reads runtime_params with defaults, everywhere but in globals", async () => {
    await dir.write({
      "base/catalog.yml":
        "a:\n  path: data/${runtime_params:run_id, dev}.csv\n  n: ${runtime_params:opts.n}\n",
    });
    const doc = await dir.loader({ runtimeParams: { run_id: 7, opts: { n: 3 } } }).load("catalog");
    expect(doc.value.a).toEqual({ path: "data/7.csv", n: 3 });
    expect((await dir.loader({ runtimeParams: { opts: { n: 1 } } }).load("catalog")).value.a).toMatchObject({
      path: "data/dev.csv",
    });
    const missing = await rejection(dir.loader().load("catalog"));
    expect(missing.code).toBe("KILN_CONFIG_MISSING_REFERENCE");
    expect(missing.message).toContain(":3:6");
    expect(missing.hint).toContain("--params");
  });

  it("refuses globals: and runtime_params: inside globals", async () => {
    await dir.write({ "base/globals.yml": "a: 1\nb: ${runtime_params:x, 1}\nc: ${globals:a}\nd: ${a}\n" });
    const error = await rejection(dir.loader().load("globals"));
    expect(error.code).toBe("KILN_CONFIG_RESOLVER_NOT_ALLOWED");
    expect(error.message).toContain(`${dir.path("base/globals.yml")}:2:4`);
    expect(error.message).toContain(`${dir.path("base/globals.yml")}:3:4`);
    // A broken globals file breaks every load, since any config may read it.
    expect((await rejection(dir.loader().load("catalog"))).code).toBe("KILN_CONFIG_RESOLVER_NOT_ALLOWED");
  });
});
