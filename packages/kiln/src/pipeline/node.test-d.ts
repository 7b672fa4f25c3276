// Type-level checks of the public pipeline API (run by vitest's typecheck).
import { describe, expectTypeOf, it } from "vitest";
import { pipeline } from "./modular.js";
import { type Node, type NodeInputs, type NodeOptions, node } from "./node.js";
import type { Pipeline, PipelineLike } from "./pipeline.js";

describe("public pipeline types", () => {
  it("node() returns a Node", () => {
    expectTypeOf(node).returns.toEqualTypeOf<Node>();
    expectTypeOf(node({ func: (x: number) => x, inputs: "a", outputs: "b" })).toEqualTypeOf<Node>();
  });

  it("node() requires a function", () => {
    expectTypeOf(node).parameter(0).toHaveProperty("func");
    // @ts-expect-error func must be a function
    node({ func: "split", inputs: "a" });
    // @ts-expect-error func is required
    node({ inputs: "a", outputs: "b" });
  });

  it("accepts the three input shapes and nothing else", () => {
    expectTypeOf<string>().toExtend<NodeInputs>();
    expectTypeOf<readonly string[]>().toExtend<NodeInputs>();
    expectTypeOf<{ x: string }>().toExtend<NodeInputs>();
    expectTypeOf<null>().toExtend<NodeInputs>();
    expectTypeOf<number>().not.toExtend<NodeInputs>();
    expectTypeOf<{ x: number }>().not.toExtend<NodeInputs>();
    expectTypeOf<NodeOptions["tags"]>().toEqualTypeOf<string | Iterable<string> | undefined>();
  });

  it("exposes read-only node fields", () => {
    expectTypeOf<Node["inputs"]>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<Node["outputs"]>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<Node["tags"]>().toEqualTypeOf<ReadonlySet<string>>();
    expectTypeOf<Node["namespace"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Node["run"]>().returns.toEqualTypeOf<Promise<Record<string, unknown>>>();
  });

  it("Pipeline.nodes is a readonly Node[] and slices return pipelines", () => {
    const p = pipeline([node({ func: () => 1, outputs: "a", name: "n" })]);
    expectTypeOf(p).toEqualTypeOf<Pipeline>();
    expectTypeOf(p.nodes).toEqualTypeOf<readonly Node[]>();
    expectTypeOf(p.layers()).toEqualTypeOf<readonly (readonly Node[])[]>();
    expectTypeOf(p.onlyNodes).returns.toEqualTypeOf<Pipeline>();
    expectTypeOf(p.filter).returns.toEqualTypeOf<Pipeline>();
    expectTypeOf(p.inputs()).toEqualTypeOf<string[]>();
    expectTypeOf(p.node("n")).toEqualTypeOf<Node | undefined>();
  });

  it("pipeline() takes nodes, pipelines and lists of them", () => {
    expectTypeOf<Node>().toExtend<PipelineLike>();
    expectTypeOf<Pipeline>().toExtend<PipelineLike>();
    expectTypeOf<Array<Node | Pipeline>>().toExtend<PipelineLike>();
    expectTypeOf<string>().not.toExtend<PipelineLike>();
  });
});
