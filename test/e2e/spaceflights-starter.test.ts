// The spaceflights starter as a user meets it: `kiln new --starter spaceflights`, `npm install`
// (Kiln, @kiln/datasets and @kiln/tracking from this checkout by file: paths, the rest from the
// registry), the project's own tests and type check, then `npm start`: raw data once, then the whole
// pipeline, tracked, its model packaged and registered; then `kiln models predict` on a CSV.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, kiln, type Result, repo } from "./kiln-process.js";

const npm = (cwd: string, ...args: string[]) => exec("npm", args, cwd);
const npx = (cwd: string, ...args: string[]) => exec("npx", args, cwd);

const TIMEOUT = 300_000;
let work: string;
let project: string;
let created: Result;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "kiln-e2e-spaceflights-"));
  project = join(work, "flights");
  created = await kiln(work, "new", "flights", "--starter", "spaceflights");
  expect(created.code, created.output).toBe(0);
  const install = await npm(project, "install", "--no-audit", "--no-fund");
  expect(install.code, install.output).toBe(0);
}, TIMEOUT);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("kiln new --starter spaceflights", { timeout: TIMEOUT }, () => {
  it("depends on this checkout's kiln, @kiln/datasets, @kiln/tracking and @kiln/serve, and names Polars' binary", async () => {
    const pkg = JSON.parse(await readFile(join(project, "package.json"), "utf8"));
    expect(pkg.dependencies).toMatchObject({
      kiln: `file:${join(repo, "packages/kiln")}`,
      "@kiln/datasets": `file:${join(repo, "packages/datasets")}`,
      "@kiln/tracking": `file:${join(repo, "packages/tracking")}`,
      "@kiln/serve": `file:${join(repo, "packages/serve")}`,
      "nodejs-polars-linux-x64-gnu": "0.25.2",
    });
    expect(created.stdout).toMatch(/Next:\n {2}cd flights\n {2}npm install\n {2}npm start\n$/);
  });

  it("gives a project whose own tests and type check pass", async () => {
    const test = await npm(project, "test");
    expect(test.code, test.output).toBe(0);
    expect(test.stdout).toContain("generates its raw data, then runs processing and both models end to end");
    expect(test.stdout).toMatch(/ℹ fail 0/);
    const typecheck = await npm(project, "run", "typecheck");
    expect(typecheck.code, typecheck.output).toBe(0);
  });

  it("runs end to end with npm start, and the second start reuses the raw data", async () => {
    const first = await npm(project, "start");
    expect(first.code, first.output).toBe(0);
    expect(first.stderr).toContain("Completed 1 of 1 nodes: generate_raw_data");
    expect(first.stderr).toMatch(/Pipeline completed: \d+ nodes/);
    expect(first.stderr).toContain("Not tracking this run: pipeline data_generation is in pipelines.skip");
    expect(first.stderr).toMatch(
      /Tracking run \S+ in sqlite:\/\/\/\.kiln\/tracking\.db \(experiment "flights"\)/,
    );
    for (const file of ["companies.csv", "reviews.csv", "shuttles.xlsx"])
      expect(existsSync(join(project, "data/01_raw", file)), file).toBe(true);
    const tracked = await npx(project, "kiln", "tracking", "runs", "--json");
    expect(tracked.code, tracked.output).toBe(0);
    const [run] = JSON.parse(tracked.stdout);
    expect(run.status).toBe("FINISHED");
    expect(run.metrics["active_modelling_pipeline.r2_score"]).toBeGreaterThan(0.5);
    expect(run.params["candidate_modelling_pipeline.model_options.random_state"]).toBe("8");

    // The run packaged the active model's inference pipeline and registered it, champion included.
    expect(first.stderr).toContain("Registered the model as models:/spaceflights/1.");
    expect(first.stderr).toContain("Alias champion now points at version 1");
    const example = JSON.parse(
      await readFile(
        join(
          project,
          ".kiln/artifacts",
          (await readdir(join(project, ".kiln/artifacts")))[0]!,
          run.runId,
          "artifacts/model/input_example.json",
        ),
        "utf8",
      ),
    ) as { columns: string[]; data: unknown[][] };
    const csv = join(project, "features.csv");
    await writeFile(csv, [example.columns.join(","), ...example.data.map((r) => r.join(","))].join("\n"));
    const predicted = await npx(
      project,
      "kiln",
      "models",
      "predict",
      "-m",
      "models:/spaceflights@champion",
      "-i",
      csv,
      "-o",
      join(project, "prices.json"),
    );
    expect(predicted.code, predicted.output).toBe(0);
    const { predictions } = JSON.parse(await readFile(join(project, "prices.json"), "utf8"));
    expect(predictions).toHaveLength(example.data.length);
    expect(predictions.every((p: number) => Number.isFinite(p) && p > 0)).toBe(true);

    const second = await npm(project, "start");
    expect(second.code, second.output).toBe(0);
    expect(second.stderr).not.toContain("generate_raw_data");
    expect(second.stderr).toContain("Registered the model as models:/spaceflights/2.");
    const models = await npx(project, "kiln", "models", "list");
    expect(models.stdout).toMatch(/spaceflights\s+2\s+champion→[12]/);
    const versions = await readdir(join(project, "data/06_models/active_modelling_pipeline/regressor.json"));
    expect(versions).toHaveLength(2); // one model version per run
    const best = await npx(
      project,
      "kiln",
      "tracking",
      "runs",
      "--order-by",
      "metrics.active_modelling_pipeline.r2_score DESC",
    );
    expect(best.code, best.output).toBe(0);
    expect(best.stdout).toContain("2 of 2 runs (experiment flights, sqlite:///.kiln/tracking.db)");
  });
});
