// End to end: the example project through KilnSession with each runner, a hook recording the
// whole event sequence, and the files the run leaves in the data layers.
import { cp, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, KilnSession, readRunRecords } from "kiln";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fitLine, makeData } from "../src/pipelines/line_fit/nodes.js";

const quiet = createLogger({ level: "silent" });
let project: string;

beforeEach(async () => {
  // A copy, so runs never write into the repository's example.
  project = await mkdtemp(join(tmpdir(), "kiln-hello-"));
  const here = new URL("..", import.meta.url).pathname;
  for (const part of ["package.json", "conf", "src"])
    await cp(join(here, part), join(project, part), { recursive: true });
  // Worker threads import the project's code, which imports kiln: give the copy the repository's packages.
  await symlink(join(here, "../../node_modules"), join(project, "node_modules"), "dir");
});
afterEach(async () => {
  await rm(project, { recursive: true, force: true });
});

describe("the hello example", () => {
  it("recovers the line it generated", () => {
    const line = fitLine(makeData({ rows: 1000, slope: 3, intercept: 2, noise: 0, seed: 1 }));
    expect(line.slope).toBeCloseTo(3, 10);
    expect(line.intercept).toBeCloseTo(2, 10);
  });

  it.each(["sequential", "concurrent", "parallel"])("runs end to end with the %s runner", async (runner) => {
    const session = await KilnSession.create({ projectPath: project, logger: quiet });
    const events: string[] = [];
    session.hooks.register({
      name: "recorder",
      hooks: {
        afterContextCreated: () => void events.push("afterContextCreated"),
        afterCatalogCreated: () => void events.push("afterCatalogCreated"),
        beforePipelineRun: () => void events.push("beforePipelineRun"),
        beforeNodeRun: ({ node }) => void events.push(`beforeNodeRun ${node.name}`),
        afterNodeRun: ({ node }) => void events.push(`afterNodeRun ${node.name}`),
        afterDatasetSaved: ({ datasetName }) => void events.push(`saved ${datasetName}`),
        afterPipelineRun: () => void events.push("afterPipelineRun"),
      },
    });
    await session.run({ runner, runnerParams: runner === "parallel" ? { max_workers: 2 } : {} });
    // The pipeline is a chain, so every runner produces this exact sequence.
    expect(events).toEqual([
      "afterContextCreated",
      "afterCatalogCreated",
      "beforePipelineRun",
      "beforeNodeRun make_data",
      "afterNodeRun make_data",
      "saved points",
      "beforeNodeRun split_data",
      "afterNodeRun split_data",
      "saved train",
      "saved test",
      "beforeNodeRun fit_line",
      "afterNodeRun fit_line",
      "saved line",
      "beforeNodeRun evaluate",
      "afterNodeRun evaluate",
      "saved metrics",
      "beforeNodeRun report",
      "afterNodeRun report",
      "saved summary",
      "afterPipelineRun",
    ]);
    expect(await readFile(join(project, "data/08_reporting/summary.txt"), "utf8")).toBe(
      "y = 2.995·x + 2.002  (R² 0.9733, MAE 0.1241)",
    );
    const [record] = await readRunRecords(join(project, ".kiln/runs.jsonl"));
    expect(record).toMatchObject({ status: "success", pipeline: "__default__", env: "local" });
    expect(record!.nodes.map((n) => n.name)).toEqual([
      "make_data",
      "split_data",
      "fit_line",
      "evaluate",
      "report",
    ]);
    expect(record!.saved.map((s) => s.dataset)).toEqual(["line", "metrics", "summary"]);
    expect(record!.saved[0]!.version).toBe(record!.runId);
  });

  it("takes parameters from the command line over parameters.yml", async () => {
    const session = await KilnSession.create({
      projectPath: project,
      logger: quiet,
      runtimeParams: { data: { slope: 5 } },
    });
    await session.run();
    const metrics = JSON.parse(await readFile(join(project, "data/08_reporting/metrics.json"), "utf8"));
    expect(metrics.r2).toBeGreaterThan(0.99);
    expect(await readFile(join(project, "data/08_reporting/summary.txt"), "utf8")).toMatch(/^y = 4\.99\d·x/);
  });
});
