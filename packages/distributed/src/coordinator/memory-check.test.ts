import { DataCatalog, MemoryDataset, node, pipeline } from "kiln";
import { describe, expect, it } from "vitest";
import { planJobs } from "./job-plan.js";
import { findMemoryCrossings, memoryCrossingError } from "./memory-check.js";

const id = (x: unknown) => x;
const json = () => ({
  load: () => 1,
  save: () => {},
  exists: () => true,
  describe: () => ({ type: "json" }),
});

describe("findMemoryCrossings", () => {
  const p = pipeline([
    node({ func: id, inputs: ["fed", "params:k"], outputs: "mem", name: "a", namespace: "g" }),
    node({ func: id, inputs: "mem", outputs: "inner", name: "b", namespace: "g" }),
    node({ func: id, inputs: "inner", outputs: "kept", name: "c" }),
    node({ func: id, inputs: "kept", outputs: "lost", name: "d" }),
  ]);
  const catalog = () =>
    new DataCatalog({
      fed: new MemoryDataset(3),
      "params:k": new MemoryDataset(1),
      mem: new MemoryDataset(),
      inner: new MemoryDataset(),
      kept: json(),
      lost: new MemoryDataset(),
    });

  it("finds memory data read by another job, data fed in memory (not parameters), and memory outputs", async () => {
    const found = await findMemoryCrossings(p, catalog(), planJobs(p, "none"));
    expect(found).toEqual({
      between: [
        { dataset: "inner", producer: "g.b", readers: ["c"] },
        { dataset: "mem", producer: "g.a", readers: ["g.b"] },
      ],
      inputs: [{ dataset: "fed", readers: ["g.a"] }],
      outputs: ["lost"],
    });
    expect(memoryCrossingError(found).message).toBe(
      '3 datasets in memory would have to pass between jobs that may run on different workers: "inner" (made by "g.b", read by "c"); "mem" (made by "g.a", read by "g.b"); "fed" (given to the run in memory, read by "g.a").',
    );
  });

  it("lets memory data stay inside a namespace's job", async () => {
    const found = await findMemoryCrossings(p, catalog(), planJobs(p, "namespace"));
    expect(found.between.map((c) => c.dataset)).toEqual(["inner"]);
  });
});
