// Training/inference pairs end to end with the real `kiln` binary: a run packages and registers the
// model; the folder has what docs/models.md says; a copy of it predicts on its own; `kiln models`
// lists, shows, aliases and predicts; bad pairs and bad URIs fail with their codes.
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type PairProject, writePairProject } from "../support/model-project.js";
import { repo } from "./kiln-process.js";

const ok = (r: { status: number | null; stdout: string; stderr: string }) => {
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
};

// The fixture's model: y ≈ 2·x1 + x2 + b, b from the means; predict adds offset and 1 for a flag.
const rows = [
  [1, 0.5, true],
  [2, 1.5, false],
  [3, 2.5, true],
  [4, 3.5, false],
  [5, 4.5, true],
  [6, 5.5, false],
] as const;
const b = 9.25 - 2 * 3.5 - 3;
const expected = (scale = 1, offset = 2) =>
  rows.map(([x1, x2, flag]) => (2 * x1 + x2 + b) * scale + offset + (flag ? 1 : 0));

let project: PairProject;
let first: ReturnType<PairProject["kiln"]>;
let runId: string;
let modelDir: string;

beforeAll(async () => {
  project = await writePairProject();
  first = project.kiln("run");
  runId = /Tracking run (\S+) in /.exec(first.stderr)?.[1] ?? "";
  const experiments = await readdir(join(project.root, ".kiln/artifacts"));
  modelDir = join(project.root, ".kiln/artifacts", experiments[0]!, runId, "artifacts/model");
}, 180_000);
afterAll(async () => {
  await project?.remove();
});

describe("a training run of a pair", () => {
  it("packages the inference pipeline, logs it with the run and registers it", () => {
    ok(first);
    expect(first.stderr).toContain(`Packaged the inference pipeline as runs:/${runId}/model:`);
    expect(first.stderr).toContain("Registered the model as models:/pair-model/1.");
    expect(first.stderr).toContain("Alias champion now points at version 1");
  });

  it("writes the model folder docs/models.md describes", async () => {
    const files = (await readdir(modelDir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(modelDir.length + 1))
      .sort();
    expect(files).toEqual([
      "MLmodel",
      "artifacts/catalog.json",
      "artifacts/model/model.json",
      "artifacts/parameters.json",
      "code/inference.mjs",
      "input_example.json",
      "node-version",
      "package.json",
      "reference_data.parquet",
    ]);
    const mlmodel = parse(await readFile(join(modelDir, "MLmodel"), "utf8"));
    expect(mlmodel).toMatchObject({
      artifact_path: "model",
      flavors: {
        kiln: {
          code: "code/inference.mjs",
          input_name: "features",
          output_name: "predictions",
          kiln_version: "0.1.0",
          node_version: process.version,
          reference_data: "reference_data.parquet",
          reference_rows: 6,
          reference_source_rows: 6,
        },
      },
      run_id: runId,
      saved_input_example_info: {
        artifact_path: "input_example.json",
        type: "dataframe",
        pandas_orient: "split",
      },
    });
    expect(mlmodel.model_uuid).toMatch(/^[0-9a-f]{32}$/);
    expect(mlmodel.utc_time_created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    // MLflow's text: each part JSON in Python's layout.
    expect(mlmodel.signature.inputs).toBe(
      '[{"type": "long", "name": "x1", "required": true}, {"type": "double", "name": "x2", "required": true}, {"type": "boolean", "name": "flag", "required": true}]',
    );
    expect(mlmodel.signature.outputs).toBe('[{"type": "double", "required": true}]');
    // scale: 1.0 in parameters.yml is a double although JavaScript reads 1; offset: 2 is a long.
    expect(JSON.parse(mlmodel.signature.params)).toEqual([
      { name: "offset", type: "long", default: 2, shape: null },
      { name: "scale", type: "double", default: 1, shape: null },
    ]);
    expect(JSON.parse(await readFile(join(modelDir, "input_example.json"), "utf8"))).toEqual({
      columns: ["x1", "x2", "flag"],
      data: rows.slice(0, 5),
    });
    expect(JSON.parse(await readFile(join(modelDir, "artifacts/catalog.json"), "utf8"))).toEqual({
      model: { type: "json.JSONDataset", filepath: "artifacts/model/model.json" },
    });
    expect(JSON.parse(await readFile(join(modelDir, "artifacts/parameters.json"), "utf8"))).toEqual({
      "params:offset": 2,
      "params:scale": 1,
    });
    // The artifact is the version this run saved, byte for byte.
    expect(await readFile(join(modelDir, "artifacts/model/model.json"), "utf8")).toBe(
      await readFile(join(project.root, "data/06_models/model.json", runId, "model.json"), "utf8"),
    );
    const pkg = JSON.parse(await readFile(join(modelDir, "package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: "pair-model", version: "1.2.3", type: "module" });
    expect(pkg.dependencies).toEqual({ "nodejs-polars": "0.25.2" });
    expect(await readFile(join(modelDir, "node-version"), "utf8")).toBe(`${process.version}\n`);
  });

  it("bundles the code into one module that imports only Node's modules and the native nodejs-polars", async () => {
    const code = await readFile(join(modelDir, "code/inference.mjs"), "utf8");
    const imported = [
      ...code.matchAll(/^import .* from "([^"]+)";$/gm),
      ...code.matchAll(/\bimport\("([^"]+)"\)/g),
      ...code.matchAll(/\brequire\("([^"]+)"\)/g),
    ].map((m) => m[1]!);
    const foreign = [...new Set(imported)].filter((s) => !s.startsWith("node:"));
    // esbuild: Kiln's TypeScript compiler, loaded only to import a project's .ts, which a model never does.
    expect(foreign.sort()).toEqual(["esbuild", "nodejs-polars"]);
    expect(code).not.toContain(project.root); // no path into the project
  });

  it("records the logged model and its files with the run", () => {
    const shown = ok(project.kiln("tracking", "show", runId, "--json"));
    const run = JSON.parse(shown.stdout);
    expect(run.artifacts.map((a: { path: string }) => a.path)).toContain("model/MLmodel");
    expect(run.artifacts.find((a: { path: string }) => a.path === "model/MLmodel").dataset).toBe("model");
    expect(run.models).toEqual([
      expect.objectContaining({ artifactPath: "model", inputName: "features", outputName: "predictions" }),
    ]);
    expect(ok(project.kiln("tracking", "show", runId)).stdout).toMatch(
      new RegExp(
        `models \\(1\\)\\n.*\\n.*\\nruns:/${runId.replaceAll(".", "\\.")}/model +features +predictions`,
      ),
    );
  });
});

describe("a copy of the model folder, away from the project", () => {
  it("predicts on its own, with parameters overridden per prediction", async () => {
    const away = await mkdtemp(join(tmpdir(), "kiln-model-copy-"));
    try {
      await cp(modelDir, join(away, "model"), { recursive: true });
      const script = `
        import { loadModel } from ${JSON.stringify(join(repo, "packages/serve/dist/index.js"))};
        import pl from ${JSON.stringify(join(repo, "node_modules/nodejs-polars/bin/index.js"))};
        const model = await loadModel(process.argv[1]);
        const frame = pl.DataFrame({ x1: [1, 2], x2: [0.5, 1.5], flag: [true, false] });
        const plain = (await model.predict(frame)).toArray();
        const scaled = (await model.predict(frame, { scale: 2 })).toArray();
        let error;
        try { await model.predict(frame, { nope: 1 }); } catch (e) { error = e.code; }
        console.log(JSON.stringify({ plain, scaled, error, input: model.metadata.flavors.kiln.input_name }));`;
      const run = spawnSync(process.execPath, ["--input-type=module", "-e", script, join(away, "model")], {
        cwd: away,
        encoding: "utf8",
        env: { ...process.env, KILN_MODEL_CACHE: join(away, "cache") },
      });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        plain: expected().slice(0, 2),
        scaled: expected(2).slice(0, 2),
        error: "KILN_MODEL_BAD_PARAMS",
        input: "features",
      });
    } finally {
      await rm(away, { recursive: true, force: true });
    }
  });
});

describe("kiln models", () => {
  it("predict: a CSV through the champion, to JSON and CSV; JSON requests with params", async () => {
    const csv = join(project.root, "data/01_raw/rows.csv");
    const printed = ok(project.kiln("models", "predict", "-m", "models:/pair-model@champion", "-i", csv));
    expect(JSON.parse(printed.stdout)).toEqual({ predictions: expected() });
    const out = join(project.root, "out.csv");
    ok(project.kiln("models", "predict", "-m", `runs:/${runId}/model`, "-i", csv, "-o", out));
    const lines = (await readFile(out, "utf8")).trim().split("\n");
    expect(lines[0]).toBe("y_hat");
    expect(lines.slice(1).map(Number)).toEqual(expected());
    const request = join(project.root, "request.json");
    await writeFile(
      request,
      JSON.stringify({
        dataframe_split: { columns: ["x1", "x2", "flag"], data: [[1, 0.5, true]] },
        params: { offset: 0 },
      }),
    );
    const json = join(project.root, "out.json");
    ok(
      project.kiln(
        "models",
        "predict",
        "-m",
        "models:/pair-model/1",
        "-i",
        request,
        "-o",
        json,
        "--params",
        '{"scale": 3}',
      ),
    );
    expect(JSON.parse(await readFile(json, "utf8"))).toEqual({ predictions: [expected(3, 0)[0]] });
  });

  it("a second run registers version 2; the alias moves only when its metric is better, or by hand", () => {
    const second = ok(project.kiln("run"));
    expect(second.stderr).toContain("Registered the model as models:/pair-model/2.");
    expect(second.stderr).toMatch(
      /Alias champion stays on version 1 \(score -?[\d.]+ does not beat version 1's/,
    );
    const listed = ok(project.kiln("models", "list"));
    expect(listed.stdout).toMatch(/pair-model\s+2\s+champion→1/);
    ok(project.kiln("models", "alias", "pair-model", "champion", "2"));
    const shown = ok(project.kiln("models", "show", "pair-model"));
    expect(shown.stdout).toMatch(/\n2 +\S+ \S+ +\S+ +READY +champion/);
    const version = ok(project.kiln("models", "show", "pair-model@champion"));
    expect(version.stdout).toContain("uri         models:/pair-model/2");
    expect(version.stdout).toContain("input       features: x1: long, x2: double, flag: boolean");
    ok(project.kiln("models", "alias", "pair-model", "champion", "--delete"));
    expect(ok(project.kiln("models", "list", "--json")).stdout).toContain('"aliases": {}');
  });

  it("names what exists when a model, version or alias is unknown", () => {
    const csv = join(project.root, "data/01_raw/rows.csv");
    const model = project.kiln("models", "predict", "-m", "models:/pair-modle/1", "-i", csv);
    expect(model.status).toBe(2);
    expect(model.stderr).toContain(
      'Error KILN_MODEL_UNKNOWN_MODEL: Model URI "models:/pair-modle/1": no registered model is named "pair-modle".',
    );
    expect(model.stderr).toContain('Did you mean "pair-model"?');
    const version = project.kiln("models", "show", "pair-model/9");
    expect(version.stderr).toContain("Error KILN_MODEL_UNKNOWN_VERSION");
    expect(version.stderr).toContain("Its versions: 1, 2.");
    const alias = project.kiln("models", "alias", "pair-model", "latest", "1");
    expect(alias.stderr).toContain("Error KILN_MODEL_BAD_ALIAS");
    const badUri = project.kiln("models", "predict", "-m", "models:/pair-model/first", "-i", csv);
    expect(badUri.stderr).toContain(
      'Error KILN_MODEL_BAD_URI: Model URI "models:/pair-model/first": "first" is not a version number.',
    );
  });
});

describe("pairs that cannot be packaged", () => {
  it("a filter that leaves out what makes an artifact runs those nodes, warns and packages nothing", () => {
    const run = ok(project.kiln("run", "--to-nodes", "prepare"));
    expect(run.stderr).toContain(
      'No model will be packaged: Filtering with --to-nodes prepare leaves out node "fit" of the pair',
    );
    expect(run.stderr).toContain("Completed 1 of 1");
    expect(run.stderr).not.toContain("Packaged");
    // The plain training pipeline filters freely, packaging nothing and saying nothing of it.
    const plain = ok(project.kiln("run", "--pipeline", "plain", "--to-nodes", "prepare"));
    expect(plain.stderr).not.toContain("Packaged");
    expect(plain.stderr).not.toContain("No model will be packaged");
  });

  it("KILN_MODEL_ARTIFACT_NOT_PERSISTED: an artifact kept in memory, at run start", async () => {
    const memory = await writePairProject({
      "conf/base/catalog.yml": "rows:\n  type: polars.CSVDataset\n  filepath: data/01_raw/rows.csv\n",
    });
    try {
      const run = memory.kiln("run");
      expect(run.status).toBe(2);
      // Raised in the tracking plugin's beforePipelineRun, so reported as that hook's failure.
      expect(run.stderr).toContain(
        'Error KILN_MODEL_ARTIFACT_NOT_PERSISTED: Hook beforePipelineRun of plugin "@kiln/tracking" failed: Pipeline "__default__" is a training/inference pair, but "model", which the inference pipeline reads, is kept in memory only',
      );
      expect(run.stderr).toMatch(/ model:\n +type: json\.JSONDataset/);
      expect(run.stderr).not.toContain("Completed 1 of");
    } finally {
      await memory.remove();
    }
  });
});

describe("a validation gate in the pair's training", () => {
  const versions = () => {
    const shown = ok(project.kiln("models", "show", "pair-model")).stdout;
    return [...shown.matchAll(/^(\d+)\s+\d{4}-/gm)].map((m) => Number(m[1]));
  };

  it("fails the run when the metric misses its threshold: nothing is packaged or registered", () => {
    const before = versions();
    const failed = project.kiln("run", "--pipeline", "gated", "--params", "model_validation.score.min=1");
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(
      /Model validation failed \(node "validate_model"\): score -?\d.* is below its minimum 1\./,
    );
    expect(failed.stderr).toContain("neither packaged nor registered");
    expect(failed.stderr).not.toContain("Packaged the inference pipeline");
    expect(versions()).toEqual(before);
    // Within the threshold of parameters.yml, the same pair packages and registers the next version.
    const passed = ok(project.kiln("run", "--pipeline", "gated"));
    expect(passed.stderr).toContain("Packaged the inference pipeline");
    expect(versions()).toEqual([Math.max(...before) + 1, ...before]);
  });
});
