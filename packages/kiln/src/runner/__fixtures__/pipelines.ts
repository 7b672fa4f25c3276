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

/** a → one → b → two → c → three → d; (d, params:limit) → four, which throws RangeError. */
export const failing = () =>
  pipeline([
    node({ func: (x: number) => x + 1, inputs: "a", outputs: "b", name: "one" }),
    node({ func: (x: number) => x + 1, inputs: "b", outputs: "c", name: "two" }),
    node({ func: (x: number) => x + 1, inputs: "c", outputs: "d", name: "three" }),
    node({
      func: (x: number) => {
        throw new RangeError(`bad value ${x}`);
      },
      inputs: ["d", "params:limit"],
      outputs: "e",
      name: "four",
    }),
  ]);

/** events → count → total (confirms events); total → fail_if_big throws when total > 10 (confirms events). */
export const confirming = () =>
  pipeline([
    node({
      func: (events: number[]) => events.reduce((a, b) => a + b, 0),
      inputs: "events",
      outputs: "total",
      name: "count",
      confirms: "events",
    }),
    node({
      func: (total: number) => {
        if (total > 10) throw new Error(`total ${total} is too big`);
        return total;
      },
      inputs: "total",
      outputs: "checked",
      name: "fail_if_big",
      confirms: "events",
    }),
  ]);

/** a → one → b → two → c → three → d (each x + 1), and `check` reading d with no outputs. */
export const chain = () =>
  pipeline([
    node({ func: (x: number) => x + 1, inputs: "a", outputs: "b", name: "one" }),
    node({ func: (x: number) => x + 1, inputs: "b", outputs: "c", name: "two" }),
    node({ func: (x: number) => x + 1, inputs: "c", outputs: "d", name: "three" }),
    node({ func: (_x: number) => undefined, inputs: "d", name: "check" }),
  ]);

/** The last array `keep_big` returned, as the worker thread that ran it still sees it. */
let kept: Float64Array | undefined;

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
    node({
      func: (n: number) => {
        kept = new Float64Array(n).fill(2.5);
        return kept;
      },
      inputs: "n",
      outputs: "kept",
      name: "keep_big",
    }),
    // Runs in the worker after keep_big: 0 bytes when the worker transferred the buffer, all of them when copied.
    node({
      func: (_k: Float64Array) => kept?.buffer.byteLength,
      inputs: "kept",
      outputs: "kept_bytes",
      name: "kept_bytes",
    }),
    node({
      func: (code: number) => process.exit(code),
      inputs: "code",
      outputs: "gone",
      name: "exit_worker",
    }),
    node({
      // Throws outside the node's promise, which never settles: the worker thread crashes.
      func: (_n: number) =>
        new Promise(() => {
          setTimeout(() => {
            throw new Error("thrown from a timer");
          }, 0);
        }),
      inputs: "n",
      outputs: "crashed",
      name: "crash_worker",
    }),
    node({
      func: async (n: number) => {
        await new Promise((r) => setTimeout(r, 200));
        return n;
      },
      inputs: "n",
      outputs: "slow",
      name: "a_slow",
    }),
  ]);

/** Nodes that pass Points (sent by point-codec.ts) and values the failing codec takes. */
export const points = () =>
  pipeline([
    node({
      func: (p: Point) => ({ moved: new Point(p.x + 1, p.y), arrived: p instanceof Point, thread: threadId }),
      inputs: "point",
      outputs: { moved: "moved", arrived: "arrived_as_point", thread: "thread" },
      name: "move_point",
    }),
    node({
      // One level down: Points as items of an array, a plain object and a Map.
      func: (p: Point) => ({
        list: [p, new Point(0, 0), 5],
        record: { a: p, n: 1 },
        map: new Map([["a", p]]),
      }),
      inputs: "moved",
      outputs: { list: "point_list", record: "point_record", map: "point_map" },
      name: "spread_points",
    }),
    node({
      func: (list: unknown[], record: Record<string, unknown>, map: Map<string, unknown>) =>
        [list[0], list[1], record.a, map.get("a")].every((p) => p instanceof Point),
      inputs: ["point_list", "point_record", "point_map"],
      outputs: "all_points",
      name: "check_points",
    }),
    node({
      func: (step: string) => ({ codec: step }),
      inputs: "step",
      outputs: "fragile",
      name: "make_fragile",
    }),
    node({ func: (f: unknown) => f, inputs: "fragile_in", outputs: "fragile_out", name: "take_fragile" }),
  ]);

export const registry = () => ({ __default__: diamond(), special: special() });
