import { describe, expect, it } from "vitest";
import type { GraphResponse, RunSummary } from "../../src/api/types.js";
import {
  buildView,
  defaultViewState,
  runStatuses,
  searchNodes,
  sliceBetween,
  type ViewState,
} from "./view-model.js";

// raw -> clean -> [ns.fit -> ns.model] -> report, params:ns.alpha read by ns.fit
const graph: GraphResponse = {
  project: "demo",
  pipeline: "__default__",
  pipelines: ["__default__"],
  nodes: [
    { id: "data:raw", name: "raw", type: "data", namespace: null, tags: [], layer: "raw" },
    { id: "task:clean", name: "clean", type: "task", namespace: null, tags: ["prep"], layer: null },
    {
      id: "data:clean_table",
      name: "clean_table",
      type: "data",
      namespace: null,
      tags: [],
      layer: "primary",
    },
    { id: "task:ns.fit", name: "ns.fit", type: "task", namespace: "ns", tags: ["model"], layer: null },
    {
      id: "param:params:ns.alpha",
      name: "params:ns.alpha",
      type: "parameters",
      namespace: "ns",
      tags: [],
      layer: null,
    },
    { id: "data:ns.model", name: "ns.model", type: "data", namespace: null, tags: [], layer: "models" },
    { id: "task:report", name: "report", type: "task", namespace: null, tags: [], layer: null },
  ],
  edges: [
    { source: "data:raw", target: "task:clean" },
    { source: "task:clean", target: "data:clean_table" },
    { source: "data:clean_table", target: "task:ns.fit" },
    { source: "param:params:ns.alpha", target: "task:ns.fit" },
    { source: "task:ns.fit", target: "data:ns.model" },
    { source: "data:ns.model", target: "task:report" },
  ],
  layers: ["raw", "primary", "models"],
  tags: ["model", "prep"],
  namespaces: [{ id: "ns", name: "ns", parent: null }],
  features: { tracking: false },
};

const state = (patch: Partial<ViewState>): ViewState => ({ ...defaultViewState(), ...patch });
const edgesOf = (view: ReturnType<typeof buildView>) =>
  view.edges.map((e) => `${view.nodes[e.source]!.id} > ${view.nodes[e.target]!.id}`).sort();

describe("buildView", () => {
  it("draws a namespace as one box by default, holding its elements", () => {
    const view = buildView(graph, state({}));
    const box = view.nodes.find((n) => n.id === "ns:ns");
    expect(box).toMatchObject({ type: "namespace", label: "ns", members: 2 });
    expect(view.shownAs.get("task:ns.fit")).toBe("ns:ns");
    expect(edgesOf(view)).toContain("data:clean_table > ns:ns");
    expect(edgesOf(view)).toContain("ns:ns > data:ns.model");
    expect(view.nodes.find((n) => n.id === "data:raw")?.band).toBe(0);
  });

  it("opens namespaces one by one or all at once", () => {
    for (const expanded of [new Set(["ns"]), "all" as const]) {
      const view = buildView(graph, state({ expanded }));
      expect(view.index.has("ns:ns")).toBe(false);
      expect(view.nodes.find((n) => n.id === "task:ns.fit")).toMatchObject({ label: "fit", namespace: "ns" });
      expect(view.nodes.find((n) => n.id === "param:params:ns.alpha")?.label).toBe("alpha");
    }
  });

  it("hides element types: datasets are bridged task to task, parameters dropped", () => {
    const view = buildView(graph, state({ expanded: "all", hiddenTypes: new Set(["data", "parameters"]) }));
    expect(view.nodes.map((n) => n.id).sort()).toEqual(["task:clean", "task:ns.fit", "task:report"]);
    expect(edgesOf(view)).toEqual(["task:clean > task:ns.fit", "task:ns.fit > task:report"]);
  });

  it("filters by tag, keeping the datasets the shown tasks touch", () => {
    const view = buildView(graph, state({ expanded: "all", tags: new Set(["prep"]) }));
    expect(view.nodes.map((n) => n.id).sort()).toEqual(["data:clean_table", "data:raw", "task:clean"]);
  });

  it("colours tasks and namespaces by the last run of the pipeline", () => {
    const runs = [
      {
        runId: "r1",
        pipeline: "__default__",
        status: "failed",
        nodes: [
          { name: "clean", status: "success", durationMs: 5 },
          { name: "ns.fit", status: "failed", durationMs: 7 },
        ],
      },
    ] as RunSummary[];
    const statuses = runStatuses(graph, runs);
    expect(statuses.get("report")).toBe("skipped");
    const view = buildView(graph, state({}), statuses);
    expect(view.nodes.find((n) => n.id === "task:clean")?.status).toBe("success");
    expect(view.nodes.find((n) => n.id === "ns:ns")?.status).toBe("failed");
  });
});

describe("sliceBetween", () => {
  it("finds the elements between two, in either order, and the command that runs them", () => {
    const slice = sliceBetween(graph, "task:report", "data:raw");
    expect([...slice!.ids].sort()).toEqual([
      "data:clean_table",
      "data:ns.model",
      "data:raw",
      "task:clean",
      "task:ns.fit",
      "task:report",
    ]);
    expect(slice!.command).toBe("kiln run --from-inputs raw --to-nodes report");
    expect(sliceBetween(graph, "task:clean", "task:ns.fit")!.command).toBe(
      "kiln run --from-nodes clean --to-nodes ns.fit",
    );
    expect(sliceBetween(graph, "param:params:ns.alpha", "task:clean")).toBeNull();
  });
});

describe("searchNodes", () => {
  it("matches names without regard to case", () => {
    expect(searchNodes(graph, "CLEAN").map((n) => n.id)).toEqual(["task:clean", "data:clean_table"]);
    expect(searchNodes(graph, "  ")).toEqual([]);
  });
});
