// A training/inference pair on the distributed runner, end to end: a real redis-server, two
// `kiln worker` processes on the pair fixture (every dataset between nodes on files), and the
// coordinator packaging and registering the model from what the workers saved.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { writePairProject } from "../support/model-project.js";
import { type RedisServer, startRedis } from "../support/redis-server.js";
import { startWorkers, stopWorkers } from "./distributed-project.js";
import { kiln, repo } from "./kiln-process.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe("a training/inference pair on the distributed runner", () => {
  it("packages and registers the model in the coordinator from what the workers saved", async () => {
    const fixture = JSON.parse(await readFile(join(repo, "test/support/pair-project/package.json"), "utf8"));
    fixture.dependencies["@kiln/distributed"] = "*";
    const project = await writePairProject({
      "package.json": JSON.stringify(fixture, null, 2),
      // Every dataset between nodes on files: each node may run on another worker.
      "conf/base/catalog.yml": [
        "rows: { type: polars.CSVDataset, filepath: data/01_raw/rows.csv }",
        "features: { type: polars.ParquetDataset, filepath: data/04_feature/features.parquet }",
        "target: { type: json.JSONDataset, filepath: data/04_feature/target.json }",
        "model: { type: json.JSONDataset, filepath: data/06_models/model.json, versioned: true }",
        "score: { type: tracking.MetricDataset }",
        "",
      ].join("\n"),
    });
    const queue = "pair";
    const workers = await startWorkers(project.root, redis.url, queue, 2);
    try {
      const run = await kiln(
        project.root,
        "run",
        "--runner",
        "distributed",
        "--runner-params",
        `redis=${redis.url},queue=${queue}`,
      );
      expect(run.code, run.output).toBe(0);
      expect(run.output).toContain("Completed 3 of 3 nodes");
      expect(run.output).toMatch(/Packaged the inference pipeline as runs:\/\S+\/model/);
      expect(run.output).toContain("Registered the model as models:/pair-model/1.");
      // The versioned artifact is the one a worker saved; the signature comes from the persisted input.
      const runId = /Tracking run (\S+) in /.exec(run.output)![1]!;
      const show = project.kiln("tracking", "show", runId);
      expect(show.stdout).toMatch(/model\/artifacts\/model\/model\.json/);
      const experiments = await readdir(join(project.root, ".kiln/artifacts"));
      const mlmodel = parse(
        await readFile(
          join(project.root, ".kiln/artifacts", experiments[0]!, runId, "artifacts/model/MLmodel"),
          "utf8",
        ),
      );
      expect(mlmodel.signature.inputs).toContain('"name": "x1"');
      expect(mlmodel.flavors.kiln.reference_rows).toBe(6);
      const predicted = project.kiln(
        "models",
        "predict",
        "-m",
        "models:/pair-model/1",
        "-i",
        "data/01_raw/rows.csv",
      );
      expect(predicted.status, predicted.stderr).toBe(0);
      expect(JSON.parse(predicted.stdout).predictions).toHaveLength(6);
    } finally {
      await stopWorkers(workers);
      await project.remove();
    }
  }, 120_000);
});
