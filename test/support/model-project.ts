// A small project with a training/inference pair, for the model tests: raw rows in a CSV, a node that
// makes the features (a Polars DataFrame, in memory), one that fits a "model" (JSON, versioned) and
// one that scores it (a tracking metric); the inference pipeline predicts from the model, the
// features and a parameter. Its node_modules are this repository's, linked.
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../..", import.meta.url));

/** The pair's files; `extra` adds or replaces files (relative path → text). */
export function pairProjectFiles(extra: Record<string, string> = {}): Record<string, string> {
  return {
    "package.json": JSON.stringify(
      {
        name: "pair-project",
        version: "1.2.3",
        private: true,
        type: "module",
        kiln: { projectName: "pair", sourceDir: "src", kilnVersion: "0.1.0" },
        dependencies: {
          kiln: "*",
          "@kiln/datasets": "*",
          "@kiln/tracking": "*",
          "@kiln/serve": "*",
          "nodejs-polars": "*",
        },
      },
      null,
      2,
    ),
    "data/01_raw/rows.csv": [
      "x1,x2,flag,label,y",
      "1,0.5,true,a,3.5",
      "2,1.5,false,b,5.0",
      "3,2.5,true,c,8.5",
      "4,3.5,false,d,10.0",
      "5,4.5,true,e,13.5",
      "6,5.5,false,f,15.0",
      "",
    ].join("\n"),
    "conf/base/catalog.yml": [
      "rows:",
      "  type: polars.CSVDataset",
      "  filepath: data/01_raw/rows.csv",
      "model:",
      "  type: json.JSONDataset",
      "  filepath: data/06_models/model.json",
      "  versioned: true",
      "score:",
      "  type: tracking.MetricDataset",
      "",
    ].join("\n"),
    "conf/base/parameters.yml": "scale: 1.0\noffset: 2\nlabels: [a, b]\nignored: null\n",
    "conf/base/tracking.yml": [
      "model:",
      "  registered_model_name: pair-model",
      "  promote:",
      "    alias: champion",
      "    metric: score",
      "",
    ].join("\n"),
    "src/nodes.ts": `import pl from "nodejs-polars";

export interface LineModel { w1: number; w2: number; b: number }

/** The features (x1, x2, flag) and the target. */
export function prepare(rows: pl.DataFrame): [pl.DataFrame, number[]] {
  return [rows.select("x1", "x2", "flag"), rows.getColumn("y").toArray() as number[]];
}

/** A fixed-slope line through the target's mean: enough to predict something checkable. */
export function fit(features: pl.DataFrame, y: number[]): LineModel {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const x1 = features.getColumn("x1").toArray() as number[];
  const x2 = features.getColumn("x2").toArray() as number[];
  return { w1: 2, w2: 1, b: mean(y) - 2 * mean(x1) - mean(x2) };
}

export function predict(model: LineModel, features: pl.DataFrame, scale: number, offset: number): pl.Series {
  const x1 = features.getColumn("x1").toArray() as number[];
  const x2 = features.getColumn("x2").toArray() as number[];
  const flag = features.getColumn("flag").toArray() as boolean[];
  const values = x1.map((v, i) => (model.w1 * v + model.w2 * x2[i]! + model.b) * scale + offset + (flag[i] ? 1 : 0));
  return pl.Series("y_hat", values, pl.Float64);
}

export function score(model: LineModel, features: pl.DataFrame, y: number[]): number {
  const p = predict(model, features, 1, 0).toArray() as number[];
  return -p.reduce((sum, v, i) => sum + Math.abs(v - y[i]!), 0);
}
`,
    "src/pipelines.ts": `import { pipelineML } from "@kiln/tracking";
import { node, pipeline } from "kiln";
import { fit, predict, prepare, score } from "./nodes.js";

export function inference() {
  return pipeline([
    node({ func: predict, inputs: ["model", "features", "params:scale", "params:offset"], outputs: "predictions", name: "predict" }),
  ]);
}

export function registerPipelines() {
  const training = pipeline([
    node({ func: prepare, inputs: "rows", outputs: ["features", "target"], name: "prepare" }),
    node({ func: fit, inputs: ["features", "target"], outputs: "model", name: "fit" }),
    node({ func: score, inputs: ["model", "features", "target"], outputs: "score", name: "score" }),
  ]);
  return {
    __default__: pipelineML({ training, inference: inference(), inputName: "features" }),
    plain: training,
  };
}
`,
    ...extra,
  };
}

/** A project written to a temp folder; `kiln()` runs the real CLI (the build) in it. */
export interface PairProject {
  root: string;
  kiln(...args: string[]): { status: number | null; stdout: string; stderr: string };
  remove(): Promise<void>;
}

export async function writePairProject(extra: Record<string, string> = {}): Promise<PairProject> {
  const root = await mkdtemp(join(tmpdir(), "kiln-pair-"));
  for (const [path, text] of Object.entries(pairProjectFiles(extra))) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await symlink(join(repo, "node_modules"), join(root, "node_modules"), "junction");
  const env = { ...process.env, KILN_ENV: "", KILN_MODEL_CACHE: join(root, ".model-cache") };
  return {
    root,
    kiln: (...args) =>
      spawnSync(process.execPath, [join(repo, "packages/kiln/bin/kiln.js"), ...args], {
        cwd: root,
        env,
        encoding: "utf8",
      }),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
