// @vitest-environment happy-dom
import { act } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { GraphResponse } from "../../../src/api/types.js";
import { defaultViewState } from "../view-model.js";
import { type Rendered, render } from "./render-test.js";
import { Sidebar } from "./Sidebar.js";

let rendered: Rendered | undefined;
afterEach(async () => {
  await rendered?.unmount();
  rendered = undefined;
});

const graph: GraphResponse = {
  project: "demo",
  pipeline: "__default__",
  pipelines: ["__default__", "data_science"],
  nodes: [],
  edges: [],
  layers: ["raw", "primary"],
  tags: ["model", "prep"],
  namespaces: [
    { id: "outer", name: "outer", parent: null },
    { id: "outer.inner", name: "inner", parent: "outer" },
  ],
  features: { tracking: false },
};

function sidebar(onChange = vi.fn(), onExport = vi.fn(), state = defaultViewState()) {
  return (
    <Sidebar
      graph={graph}
      state={state}
      matches={[]}
      lastRun={undefined}
      theme="light"
      onChange={onChange}
      onPick={() => {}}
      onTheme={() => {}}
      onExport={onExport}
    />
  );
}

const byLabel = (root: HTMLElement, label: string) =>
  root.querySelector<HTMLInputElement>(`[aria-label="${label}"]`)!;

describe("Sidebar", () => {
  it("filters by tag and by element type", async () => {
    const onChange = vi.fn();
    rendered = await render(sidebar(onChange));
    await act(async () => byLabel(rendered!.container, "Tag model").click());
    expect(onChange).toHaveBeenLastCalledWith({ tags: new Set(["model"]) });
    const datasets = [...rendered.container.querySelectorAll("label")].find(
      (l) => l.textContent === "Datasets",
    )!;
    await act(async () => datasets.querySelector("input")!.click());
    expect(onChange).toHaveBeenLastCalledWith({ hiddenTypes: new Set(["data"]) });
  });

  it("expands namespaces one at a time or all, and lists layers in order", async () => {
    const onChange = vi.fn();
    rendered = await render(sidebar(onChange));
    await act(async () => byLabel(rendered!.container, "Expand outer.inner").click());
    expect(onChange).toHaveBeenLastCalledWith({ expanded: new Set(["outer.inner"]) });
    const expandAll = [...rendered.container.querySelectorAll("button")].find(
      (b) => b.textContent === "Expand all",
    )!;
    await act(async () => expandAll.click());
    expect(onChange).toHaveBeenLastCalledWith({ expanded: "all" });
    expect([...rendered.container.querySelectorAll(".kv-layers li")].map((li) => li.textContent)).toEqual([
      "raw",
      "primary",
    ]);
  });

  it("switches pipelines and asks for exports", async () => {
    const onChange = vi.fn();
    const onExport = vi.fn();
    rendered = await render(sidebar(onChange, onExport));
    const select = byLabel(rendered.container, "Pipeline") as unknown as HTMLSelectElement;
    await act(async () => {
      select.value = "data_science";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    expect(onChange).toHaveBeenLastCalledWith({ pipeline: "data_science", selected: null, slice: null });
    const svg = [...rendered.container.querySelectorAll("button")].find(
      (b) => b.textContent === "Export SVG",
    )!;
    await act(async () => svg.click());
    expect(onExport).toHaveBeenCalledWith("svg");
  });
});
