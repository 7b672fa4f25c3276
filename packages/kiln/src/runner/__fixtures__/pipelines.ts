// Pipelines shared by the runner tests. ParallelRunner's workers import this module by URL.
import { threadId } from "node:worker_threads";
import { node, pipeline } from "../../pipeline/index.js";

export class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

const double = (x: number) => x * 2;
const addAll = (a: number, b: number) => a + b;

/** a → double → b; a → triple → c; (b, c) → sum → d; d → report → {report, thread} */
export const diamond = () =>
  pipeline([
    node({ func: double, inputs: "a", outputs: "b", name: "double", tags: ["math"] }),
    node({ func: (x: number) => x * 3, inputs: "a", outputs: "c", name: "triple", tags: ["math"] }),
    node({ func: addAll, inputs: ["b", "c"], outputs: "d", name: "sum" }),
    node({
      func: async ({ total }: { total: number }) => ({ text: `total=${total}`, thread: threadId }),
      inputs: { total: "d" },
      outputs: { text: "report", thread: "thread" },
      name: "report",
    }),
  ]);

/** Nodes whose behaviour the ParallelRunner tests look at. */
export const special = () =>
  pipeline([
    node({
      func: (n: number) => new Float64Array(n).fill(1.5),
      inputs: "n",
      outputs: "big",
      name: "make_big",
    }),
    node({
      func: (arr: Float64Array) => arr.reduce((s, v) => s + v, 0),
      inputs: "big",
      outputs: "big_sum",
      name: "sum_big",
    }),
    node({ func: () => new Point(1, 2), outputs: "point", name: "make_point" }),
    node({ func: (x: number) => x + 1, inputs: "shared", outputs: "shared_plus", name: "use_shared" }),
    node({
      func: () => {
        throw new TypeError("boom in worker");
      },
      inputs: "n",
      outputs: "never",
      name: "explode",
    }),
  ]);

export const registry = () => ({ __default__: diamond(), special: special() });
