import { node, pipeline } from "kiln";
import { z } from "zod";
import { evaluate, fitLine, makeData, report, splitData } from "./nodes.js";

/** The parameters this pipeline reads; a run with a wrong one stops before any node runs. */
export const parameters = z.object({
  data: z.object({
    rows: z.number().int().positive(),
    slope: z.number(),
    intercept: z.number(),
    noise: z.number().nonnegative(),
    seed: z.number().int(),
  }),
  test_every: z.number().int(),
});

/** make_data → split_data → fit_line → evaluate → report. */
export function createPipeline() {
  return pipeline([
    node({ func: makeData, inputs: "params:data", outputs: "points", name: "make_data", tags: ["data"] }),
    node({
      func: splitData,
      inputs: ["points", "params:test_every"],
      outputs: ["train", "test"],
      name: "split_data",
      tags: ["data"],
    }),
    node({ func: fitLine, inputs: "train", outputs: "line", name: "fit_line", tags: ["training"] }),
    node({
      func: evaluate,
      inputs: ["line", "test"],
      outputs: "metrics",
      name: "evaluate",
      tags: ["training"],
    }),
    node({ func: report, inputs: { line: "line", metrics: "metrics" }, outputs: "summary", name: "report" }),
  ]);
}
