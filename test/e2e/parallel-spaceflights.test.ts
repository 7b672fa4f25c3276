// `kiln run --runner parallel` on the spaceflights project: its nodes pass Polars DataFrames, which
// cross the worker threads through @kiln/datasets' thread codec. The parallel run must produce what
// the sequential run produces.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import pl from "nodejs-polars";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copySpaceflights, type SpaceflightsCopy } from "../support/spaceflights-copy.js";

let copy: SpaceflightsCopy;
beforeAll(async () => {
  copy = await copySpaceflights({ generateData: true });
}, 180_000);
afterAll(async () => {
  await copy?.remove();
});

/** What a run leaves: the model input table, both models (latest version) and the tracked metrics. */
async function outputs(runner: string) {
  const table = pl.readParquet(join(copy.root, "data/03_primary/model_input_table.parquet"));
  const models: Record<string, unknown> = {};
  for (const ns of ["active_modelling_pipeline", "candidate_modelling_pipeline"]) {
    const folder = join(copy.root, "data/06_models", ns, "regressor.json");
    const latest = (await readdir(folder)).sort().at(-1)!;
    models[ns] = JSON.parse(await readFile(join(folder, latest, "regressor.json"), "utf8"));
  }
  const runs = copy.kiln("tracking", "runs", "--json");
  expect(runs.status, runs.stderr).toBe(0);
  const run = (JSON.parse(runs.stdout) as Array<{ tags: Record<string, string>; metrics: object }>).find(
    (r) => r.tags["kiln.runner"] === runner,
  );
  return { table, models, metrics: run?.metrics };
}

describe("kiln run --runner parallel on spaceflights", { timeout: 300_000 }, () => {
  it("passes DataFrames between threads and produces the sequential run's outputs", async () => {
    const sequential = copy.kiln("run");
    expect(sequential.status, sequential.stderr).toBe(0);
    const expected = await outputs("SequentialRunner");
    expect(expected.table.height).toBeGreaterThan(100);
    expect(Object.keys(expected.metrics ?? {})).toContain("active_modelling_pipeline.r2_score");

    const parallel = copy.kiln("run", "--runner", "parallel");
    expect(parallel.status, parallel.stderr).toBe(0);
    expect(parallel.stderr).toMatch(/Pipeline completed: \d+ nodes/);
    const got = await outputs("ParallelRunner");
    expect(got.table.frameEqual(expected.table, true)).toBe(true);
    expect(got.table.dtypes.map(String)).toEqual(expected.table.dtypes.map(String));
    expect(got.models).toEqual(expected.models);
    expect(got.metrics).toEqual(expected.metrics);
  });
});
