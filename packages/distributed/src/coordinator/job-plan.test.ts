import { node, pipeline } from "kiln";
import { describe, expect, it } from "vitest";
import { planJobs } from "./job-plan.js";

const id = (x: unknown) => x;
const names = (units: ReturnType<typeof planJobs>) =>
  units.map((u) => [u.name, u.nodes.map((n) => n.name), [...u.parents].map((p) => p.name)]);

describe("planJobs", () => {
  const p = pipeline([
    node({ func: id, inputs: "a", outputs: "b", name: "first" }),
    node({ func: id, inputs: "b", outputs: "c", name: "one", namespace: "prep.inner" }),
    node({ func: id, inputs: "c", outputs: "d", name: "two", namespace: "prep" }),
    node({ func: id, inputs: "d", outputs: "e", name: "last" }),
  ]);

  it("makes one job per node, depending on the jobs that make its inputs", () => {
    expect(names(planJobs(p, "none"))).toEqual([
      ["first", ["first"], []],
      ["prep.inner.one", ["prep.inner.one"], ["first"]],
      ["prep.two", ["prep.two"], ["prep.inner.one"]],
      ["last", ["last"], ["prep.two"]],
    ]);
  });

  it("puts the nodes of a top-level namespace into one job, in the order they run", () => {
    expect(names(planJobs(p, "namespace"))).toEqual([
      ["first", ["first"], []],
      ["namespace:prep", ["prep.inner.one", "prep.two"], ["first"]],
      ["last", ["last"], ["namespace:prep"]],
    ]);
  });

  it("refuses namespace groups that depend on each other in a loop", () => {
    const loop = pipeline([
      node({ func: id, inputs: "a", outputs: "b", name: "x1", namespace: "x" }),
      node({ func: id, inputs: "b", outputs: "c", name: "between" }),
      node({ func: id, inputs: "c", outputs: "d", name: "x2", namespace: "x" }),
    ]);
    expect(() => planJobs(loop, "namespace")).toThrow(
      expect.objectContaining({
        code: "KILN_DISTRIBUTED_GROUP_CYCLE",
        message:
          'Grouped by namespace, these namespaces depend on each other in a loop: "x", "between"; one job per namespace cannot run.',
      }),
    );
    expect(planJobs(loop, "none")).toHaveLength(3);
  });
});
