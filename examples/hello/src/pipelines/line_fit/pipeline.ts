import { node, pipeline } from "kiln";
import { evaluate, fitLine, makeData, report, splitData } from "./nodes.js";

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
