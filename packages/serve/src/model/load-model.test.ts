// loadModel on a model a real `kiln run` packaged (the fixture pair of test/support/model-project.ts),
// from a copy of its folder in a temp dir away from the project: no source, no node_modules beside it.
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PairProject, writePairProject } from "../../../../test/support/model-project.js";
import type { LoadedModel } from "../model-types.js";
import { loadModel } from "./load-model.js";

let project: PairProject;
let away: string;
let model: LoadedModel;
let runId: string;

beforeAll(async () => {
  project = await writePairProject();
  const run = project.kiln("run");
  if (run.status !== 0) throw new Error(run.stderr);
  runId = /Tracking run (\S+) in /.exec(run.stderr)![1]!;
  const [experiment] = await readdir(join(project.root, ".kiln/artifacts"));
  away = await mkdtemp(join(tmpdir(), "kiln-loaded-"));
  await cp(
    join(project.root, ".kiln/artifacts", experiment!, runId, "artifacts/model"),
    join(away, "model"),
    {
      recursive: true,
    },
  );
  model = await loadModel(join(away, "model"), { cacheDir: join(away, "cache") });
}, 180_000);
afterAll(async () => {
  await model?.close();
  await project?.remove();
  await rm(away, { recursive: true, force: true });
});

const b = 9.25 - 2 * 3.5 - 3;

describe("loadModel from a copied folder", () => {
  it("has nothing of the project beside it, and reads its metadata, signature and example", async () => {
    expect((await readdir(join(away, "model"))).sort()).toEqual([
      "MLmodel",
      "artifacts",
      "code",
      "input_example.json",
      "node-version",
      "package.json",
      "reference_data.parquet",
    ]);
    expect(model.path).toBe(join(away, "model"));
    expect(model.metadata).toMatchObject({ run_id: runId, flavors: { kiln: { input_name: "features" } } });
    expect(model.signature?.inputs?.map((c) => `${c.name}:${c.type}`)).toEqual([
      "x1:long",
      "x2:double",
      "flag:boolean",
    ]);
    expect(model.signature?.params?.map((p) => p.name)).toEqual(["offset", "scale"]);
    expect(model.inputExample?.columns).toEqual(["x1", "x2", "flag"]);
  });

  it("predicts; columns in any order, extra ones ignored, whole numbers cast to the signature's doubles", async () => {
    const frame = pl.DataFrame({ extra: ["z", "z"], flag: [true, false], x2: [1, 2], x1: [1, 2] });
    const out = (await model.predict(frame)) as pl.Series;
    expect(out.name).toBe("y_hat");
    expect(out.toArray()).toEqual([2 + 1 + b + 2 + 1, 4 + 2 + b + 2]);
  });

  it("overrides declared parameters per prediction, and refuses others", async () => {
    const frame = pl.DataFrame({ x1: [1], x2: [0.5], flag: [false] });
    expect(((await model.predict(frame, { scale: 2, offset: 0 })) as pl.Series).toArray()).toEqual([
      (2.5 + b) * 2,
    ]);
    await expect(model.predict(frame, { alpha: 1 })).rejects.toMatchObject({
      code: "KILN_MODEL_BAD_PARAMS",
      message: 'The model has no parameter "alpha" a prediction may set.',
      hint: "Its parameters: offset, scale.",
    });
    await expect(model.predict(frame, { offset: 0.5 })).rejects.toMatchObject({
      code: "KILN_MODEL_BAD_PARAMS",
      message: 'Parameter "offset" must be a long, got 0.5.',
    });
  });

  it("KILN_MODEL_BAD_INPUT: a missing column or values of another type, named", async () => {
    await expect(model.predict(pl.DataFrame({ x1: [1] }))).rejects.toMatchObject({
      code: "KILN_MODEL_BAD_INPUT",
      message: 'The input lacks columns "x2", "flag" of the model\'s signature.',
    });
    await expect(model.predict(pl.DataFrame({ x1: [1.5], x2: [1], flag: [true] }))).rejects.toMatchObject({
      code: "KILN_MODEL_BAD_INPUT",
      message:
        'Column "x1" must hold whole numbers (it has fractions) (signature type long), but holds Polars Float64.',
    });
    await expect(model.predict(pl.DataFrame({ x1: [1], x2: ["a"], flag: [true] }))).rejects.toMatchObject({
      code: "KILN_MODEL_BAD_INPUT",
    });
  });

  it("loads the same model by runs:/ and models:/ URIs in the project", async () => {
    for (const uri of [`runs:/${runId}/model`, "models:/pair-model@champion", "models:/pair-model/latest"]) {
      const loaded = await loadModel(uri, { projectPath: project.root, cacheDir: join(away, "cache") });
      expect(loaded.metadata.model_uuid).toBe(model.metadata.model_uuid);
      expect(loaded.uri).toBe(uri);
    }
  });

  it("KILN_MODEL_MISSING_PACKAGE: a native package installed nowhere, with the install command", async () => {
    const odd = join(away, "odd");
    await cp(join(away, "model"), odd, { recursive: true });
    const { readFile, writeFile } = await import("node:fs/promises");
    const pkg = JSON.parse(await readFile(join(odd, "package.json"), "utf8"));
    pkg.dependencies["kiln-no-such-native"] = "1.0.0";
    await writeFile(join(odd, "package.json"), JSON.stringify(pkg));
    await expect(loadModel(odd, { cacheDir: join(away, "cache") })).rejects.toMatchObject({
      code: "KILN_MODEL_MISSING_PACKAGE",
      hint: expect.stringContaining("npm install kiln-no-such-native@1.0.0"),
    });
  });
});
