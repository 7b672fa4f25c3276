// End to end: the example pipeline with each runner, and a hook recording the whole event sequence.
import {
  ConcurrentRunner,
  createLogger,
  DataCatalog,
  HookManager,
  ParallelRunner,
  SequentialRunner,
} from "kiln";
import { describe, expect, it } from "vitest";
import { fitLine, makeData } from "../src/nodes.js";
import { createPipeline, parameters } from "../src/pipeline.js";

const quiet = createLogger({ level: "silent" });
const source = { module: new URL("../src/pipeline.ts", import.meta.url).href, export: "createPipeline" };

describe("the hello example", () => {
  it("recovers the line it generated", () => {
    const line = fitLine(makeData({ rows: 1000, slope: 3, intercept: 2, noise: 0, seed: 1 }));
    expect(line.slope).toBeCloseTo(3, 10);
    expect(line.intercept).toBeCloseTo(2, 10);
  });

  it.each([
    ["sequential", () => new SequentialRunner({ logger: quiet })],
    ["concurrent", () => new ConcurrentRunner({ logger: quiet })],
    ["parallel", () => new ParallelRunner({ logger: quiet, maxWorkers: 2, source })],
  ])("runs end to end with the %s runner", async (_name, make) => {
    const events: string[] = [];
    const hooks = new HookManager([
      {
        name: "recorder",
        hooks: {
          beforePipelineRun: () => void events.push("beforePipelineRun"),
          beforeNodeRun: ({ node }) => void events.push(`beforeNodeRun ${node.name}`),
          afterNodeRun: ({ node }) => void events.push(`afterNodeRun ${node.name}`),
          afterDatasetSaved: ({ datasetName }) => void events.push(`saved ${datasetName}`),
          afterPipelineRun: ({ runResult }) =>
            void events.push(`afterPipelineRun ${Object.keys(runResult).join(",")}`),
        },
      },
    ]);
    const outputs = await make().run(createPipeline(), new DataCatalog().addParameters(parameters), {
      hooks,
    });
    expect(outputs.summary).toBe("y = 2.995·x + 2.002  (R² 0.9733, MAE 0.1241)");
    // The pipeline is a chain, so every runner produces this exact sequence.
    expect(events).toEqual([
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
      "afterPipelineRun summary",
    ]);
  });
});
