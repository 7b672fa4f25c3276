import { node, pipeline } from "kiln";
import { describe, expect, it } from "vitest";
import { planUnits } from "./units.js";

const id = (x: unknown) => x;
const pipe = pipeline([
  node({ func: id, inputs: "raw", outputs: "clean", name: "clean" }),
  pipeline(
    [
      node({ func: id, inputs: "clean", outputs: "mid", name: "a" }),
      node({ func: id, inputs: "mid", outputs: "model", name: "b" }),
    ],
    {
      namespace: "train",
      inputs: ["clean"],
      outputs: ["model"],
    },
  ),
  node({ func: id, inputs: ["model", "clean"], outputs: "report", name: "report" }),
]);

describe("planUnits", () => {
  it("makes one unit per node, depending on the producers of its inputs", () => {
    const { units, crossings } = planUnits(pipe, "none", "p");
    expect(units.map((u) => [u.id, u.dependsOn])).toEqual([
      ["clean", []],
      ["train.a", ["clean"]],
      ["train.b", ["train.a"]],
      ["report", ["clean", "train.b"]],
    ]);
    expect(units[1]!.select).toEqual({ flag: "--nodes", value: "train.a" });
    expect(crossings.map((c) => c.dataset)).toEqual(["clean", "model", "train.mid"]);
    expect(crossings[0]!.consumers.map((c) => c.node)).toEqual(["train.a", "report"]);
  });

  it("groups by top-level namespace, so data inside a group does not cross", () => {
    const { units, crossings } = planUnits(pipe, "namespace", "p");
    expect(units.map((u) => [u.id, u.select.flag, u.dependsOn])).toEqual([
      ["clean", "--nodes", []],
      ["train", "--namespaces", ["clean"]],
      ["report", "--nodes", ["clean", "train"]],
    ]);
    expect(crossings.map((c) => c.dataset)).toEqual(["clean", "model"]);
  });

  it("refuses groups that depend on each other in a cycle", () => {
    const cyclic = pipeline([
      node({ func: id, inputs: "x", outputs: "y", name: "one", namespace: "ns" }),
      node({ func: id, inputs: "y", outputs: "z", name: "middle" }),
      node({ func: id, inputs: "z", outputs: "w", name: "two", namespace: "ns" }),
    ]);
    expect(() => planUnits(cyclic, "namespace", "p")).toThrow(/cycle, through "y" \(ns → middle\)/);
  });

  it("refuses an empty pipeline", () => {
    expect(() => planUnits(pipeline([]), "none", "empty")).toThrow(/has no nodes/);
  });
});
