// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { computeScene } from "../render/scene.js";
import { sceneToSvg } from "../render/svg-export.js";
import type { ViewGraph, ViewNode } from "../view-model.js";
import { GraphCanvas } from "./GraphCanvas.js";
import { pointerClick, type Rendered, render } from "./render-test.js";

let rendered: Rendered | undefined;
afterEach(async () => {
  await rendered?.unmount();
  rendered = undefined;
});

const node = (id: string, type: ViewNode["type"], band = -1): ViewNode => ({
  id,
  label: id.slice(id.indexOf(":") + 1),
  type,
  band,
  members: type === "namespace" ? 3 : 0,
  status: id === "task:clean" ? "failed" : null,
  namespace: null,
});
const nodes = [
  node("data:raw", "data", 0),
  node("task:clean", "task"),
  node("ns:model", "namespace"),
  node("data:out", "data", 1),
];
const view: ViewGraph = {
  nodes,
  edges: [
    { source: 0, target: 1 },
    { source: 1, target: 2 },
    { source: 2, target: 3 },
  ],
  index: new Map(nodes.map((n, i) => [n.id, i])),
  shownAs: new Map(nodes.map((n) => [n.id, n.id])),
};
const scene = computeScene({ nodes, edges: view.edges, layers: ["raw", "reporting"], direction: "LR" });

function canvas(onNodeClick = vi.fn(), highlighted: ReadonlySet<string> = new Set()) {
  return (
    <GraphCanvas
      view={view}
      scene={scene}
      selected="data:raw"
      highlighted={highlighted}
      dimOthers={highlighted.size > 0}
      showStatus={true}
      focus={null}
      onNodeClick={onNodeClick}
      onOutlineClick={() => {}}
      onBackgroundClick={() => {}}
    />
  );
}

describe("GraphCanvas", () => {
  it("draws every box with its label, the layer bands, and edges with arrows", async () => {
    rendered = await render(canvas());
    const boxes = [...rendered.container.querySelectorAll("g.kv-node")];
    expect(boxes.map((g) => g.getAttribute("data-id"))).toEqual([
      "data:raw",
      "task:clean",
      "ns:model",
      "data:out",
    ]);
    expect(boxes[1]!.textContent).toBe("clean");
    expect(boxes[2]!.textContent).toBe("▸ model3");
    expect(boxes[0]!.getAttribute("class")).toContain("kv-selected");
    expect(boxes[1]!.getAttribute("class")).toContain("kv-status-failed");
    expect(
      [...rendered.container.querySelectorAll("[data-layer]")].map((b) => b.getAttribute("data-layer")),
    ).toEqual(["raw", "reporting"]);
    expect(rendered.container.querySelectorAll("path.kv-edge")).toHaveLength(3);
  });

  it("dims what a slice leaves out", async () => {
    rendered = await render(canvas(vi.fn(), new Set(["data:raw", "task:clean"])));
    const classes = [...rendered.container.querySelectorAll("g.kv-node")].map((g) => g.getAttribute("class"));
    expect(classes[1]).toContain("kv-highlighted");
    expect(classes[3]).toContain("kv-dimmed");
  });

  it("finds the box under a click", async () => {
    const onNodeClick = vi.fn();
    rendered = await render(canvas(onNodeClick));
    const svg = rendered.container.querySelector("svg")!;
    // The test DOM has no layout: place the click on the first box through the drawn transform.
    const [, tx, ty, k] = /translate\(([-\d.e]+),([-\d.e]+)\) scale\(([-\d.e]+)\)/
      .exec(rendered.container.querySelector("svg > g")!.getAttribute("transform")!)!
      .map(Number);
    const x = (scene.boxes[0]! + 5) * k! + tx!;
    const y = (scene.boxes[1]! + 5) * k! + ty!;
    svg.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true, clientX: x, clientY: y }));
    svg.dispatchEvent(
      new PointerEvent("pointerup", { bubbles: true, clientX: x, clientY: y, shiftKey: true }),
    );
    expect(onNodeClick).toHaveBeenCalledWith("data:raw", true);
    await pointerClick(svg);
  });
});

describe("sceneToSvg", () => {
  it("writes a standalone SVG with every box, label and band", () => {
    const svg = sceneToSvg(view, scene, "dark");
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const label of ["raw", "clean", "model", "out", "reporting"]) expect(svg).toContain(`>${label}<`);
    expect(svg).toContain("#0f141b"); // the dark background
    expect(svg.match(/marker-end="url\(#arrow\)"/g)).toHaveLength(3);
  });
});
