import { describe, expect, it } from "vitest";
import { type LayoutInput, layeredLayout } from "./layered-layout.js";

const box = (id: string, band = -1) => ({ id, width: 100, height: 30, band });

/** Checks the layout's promises: edges go with the flow, boxes of a rank do not overlap. */
function checkLayout(input: LayoutInput) {
  const result = layeredLayout(input);
  const lr = input.direction === "LR";
  const along = lr ? result.y : result.x;
  const across = lr ? result.x : result.y;
  for (const { source, target } of input.edges) {
    if (source !== target) expect(across[target]!, `${source} -> ${target}`).toBeGreaterThan(across[source]!);
  }
  const byRank = new Map<number, number[]>();
  input.nodes.forEach((_, i) => {
    byRank.set(across[i]!, [...(byRank.get(across[i]!) ?? []), i]);
  });
  for (const members of byRank.values()) {
    const sorted = members.sort((a, b) => along[a]! - along[b]!);
    for (let i = 1; i < sorted.length; i++) {
      const size = lr ? 30 : 100;
      expect(along[sorted[i]!]! - along[sorted[i - 1]!]!).toBeGreaterThanOrEqual(size);
    }
  }
  return result;
}

describe("layeredLayout", () => {
  it("places a diamond in three ranks, left to right and top down", () => {
    const input: LayoutInput = {
      nodes: [box("a"), box("b"), box("c"), box("d")],
      edges: [
        { source: 0, target: 1 },
        { source: 0, target: 2 },
        { source: 1, target: 3 },
        { source: 2, target: 3 },
      ],
      direction: "LR",
    };
    const lr = checkLayout(input);
    expect(new Set(lr.x).size).toBe(3);
    expect(lr.x[1]).toBe(lr.x[2]);
    const tb = checkLayout({ ...input, direction: "TB" });
    expect(new Set(tb.y).size).toBe(3);
    expect(lr.edgePoints).toHaveLength(4);
  });

  it("keeps data-layer bands in order, even when the edges would put a node earlier", () => {
    // c (band 1) needs nothing from a (band 0), yet must come after every node of band 0.
    const result = checkLayout({
      nodes: [box("a", 0), box("t"), box("b", 0), box("c", 1)],
      edges: [
        { source: 0, target: 1 },
        { source: 1, target: 2 },
      ],
      direction: "LR",
    });
    expect(result.x[3]).toBeGreaterThan(result.x[2]!);
    expect(result.bandEnd[0]!).toBeLessThan(result.bandStart[1]!);
  });

  it("routes a long edge around the rank between, and survives a cycle", () => {
    const long = checkLayout({
      nodes: [box("a"), box("b"), box("c")],
      edges: [
        { source: 0, target: 1 },
        { source: 1, target: 2 },
        { source: 0, target: 2 },
      ],
      direction: "LR",
    });
    expect(long.edgePoints[2]!.length).toBe(6); // through one dummy point
    const cyclic = layeredLayout({
      nodes: [box("a"), box("b")],
      edges: [
        { source: 0, target: 1 },
        { source: 1, target: 0 },
      ],
      direction: "LR",
    });
    expect(cyclic.x[0]).not.toBe(cyclic.x[1]);
  });

  it("lays out a thousand-node pipeline-shaped graph", () => {
    const nodes = Array.from({ length: 1000 }, (_, i) =>
      box(`n${i}`, i % 2 === 0 ? Math.floor(i / 250) : -1),
    );
    const edges = [];
    for (let i = 1; i < 1000; i++) edges.push({ source: Math.max(0, i - 1 - (i % 7)), target: i });
    const result = layeredLayout({ nodes, edges, direction: "LR" });
    expect(result.x).toHaveLength(1000);
    expect(Number.isFinite(result.width) && Number.isFinite(result.height)).toBe(true);
  });
});
