import { node, pipeline } from "kiln";
import { describe, expect, it } from "vitest";
import { buildGraph, type DatasetInfo, orderLayers } from "./graph.js";

const identity = (x: unknown) => x;
const LAYERS: Record<string, string> = {
  companies: "raw",
  clean: "intermediate",
  table: "primary",
  "ds.model": "models",
};

function graphOf(p: ReturnType<typeof pipeline>) {
  return buildGraph({
    project: "demo",
    pipelineName: "__default__",
    pipelineNames: ["reporting", "__default__", "data"],
    pipeline: p,
    datasetInfo: (name): DatasetInfo => ({
      type: name === "clean" ? "MemoryDataset" : "json.JSONDataset",
      layer: LAYERS[name] ?? null,
    }),
    tracking: false,
  });
}

const base = pipeline([
  node({ func: identity, inputs: "companies", outputs: "clean@polars", name: "clean_node", tags: ["prep"] }),
  node({ func: identity, inputs: ["clean@pandas", "params:threshold"], outputs: "table", name: "join" }),
]);
const modelling = pipeline(
  [
    node({ func: identity, inputs: ["table", "params:alpha"], outputs: "split", name: "split" }),
    node({ func: identity, inputs: "split", outputs: "model", name: "train" }),
  ],
  { namespace: "ds", inputs: ["table"], tags: ["ds"] },
);
const report = node({
  func: identity,
  inputs: ["ds.model", "parameters"],
  outputs: "report",
  name: "report",
});

describe("buildGraph", () => {
  const graph = graphOf(pipeline([base, modelling, report]));
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));

  it("draws tasks, datasets and parameters with readable ids, transcoded names merged", () => {
    expect([...byId.keys()].sort()).toEqual([
      "data:clean",
      "data:companies",
      "data:ds.model",
      "data:ds.split",
      "data:report",
      "data:table",
      "param:parameters",
      "param:params:ds.alpha",
      "param:params:threshold",
      "task:clean_node",
      "task:ds.split",
      "task:ds.train",
      "task:join",
      "task:report",
    ]);
    expect(byId.get("param:parameters")?.type).toBe("parameters");
    expect(byId.get("data:clean")).toMatchObject({
      type: "data",
      layer: "intermediate",
      datasetType: "MemoryDataset",
    });
    expect(graph.edges).toContainEqual({ source: "task:clean_node", target: "data:clean" });
    expect(graph.edges).toContainEqual({ source: "data:clean", target: "task:join" });
    expect(graph.edges).toHaveLength(13);
  });

  it("puts a dataset inside a namespace only when every reader and writer is inside and its name says so", () => {
    expect(byId.get("task:ds.split")).toMatchObject({ namespace: "ds", tags: ["ds"] });
    expect(byId.get("data:ds.split")?.namespace).toBe("ds"); // internal
    expect(byId.get("param:params:ds.alpha")?.namespace).toBe("ds");
    expect(byId.get("data:ds.model")?.namespace).toBeNull(); // read by report, outside: an output
    expect(byId.get("data:table")?.namespace).toBeNull(); // the namespace's input
    expect(graph.namespaces).toEqual([{ id: "ds", name: "ds", parent: null }]);
  });

  it("lists tags, layers in the order data flows, and pipelines with __default__ first", () => {
    expect(graph.tags).toEqual(["ds", "prep"]);
    expect(graph.layers).toEqual(["raw", "intermediate", "primary", "models"]);
    expect(graph.pipelines).toEqual(["__default__", "data", "reporting"]);
    expect(graph.features).toEqual({ tracking: false });
  });

  it("lists nested namespaces with their parents", () => {
    const nested = pipeline([node({ func: identity, inputs: "a", outputs: "b", name: "n" })], {
      namespace: "x.y",
    });
    expect(graphOf(nested).namespaces).toEqual([
      { id: "x", name: "x", parent: null },
      { id: "x.y", name: "y", parent: "x" },
    ]);
  });
});

describe("orderLayers", () => {
  it("follows the data, whatever the names", () => {
    expect(
      orderLayers(
        ["zeta", "alpha", "mid"],
        [
          ["zeta", "mid"],
          ["mid", "alpha"],
        ],
      ),
    ).toEqual(["zeta", "mid", "alpha"]);
  });

  it("breaks ties and cycles by Kedro's conventional order, then by name", () => {
    expect(orderLayers(["reporting", "raw", "custom", "primary"], [])).toEqual([
      "raw",
      "primary",
      "reporting",
      "custom",
    ]);
    expect(
      orderLayers(
        ["primary", "raw"],
        [
          ["primary", "raw"],
          ["raw", "primary"],
        ],
      ),
    ).toEqual(["raw", "primary"]);
  });
});
