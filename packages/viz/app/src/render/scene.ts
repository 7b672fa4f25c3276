// Geometry of one drawing: boxes, edge paths, layer bands and outlines of open namespaces. Made in
// the layout worker (or on the main thread where workers are missing) from the view graph.
import { layeredLayout } from "../layout/layered-layout.js";
import { nodeSize } from "../layout/node-size.js";
import type { ViewGraph, ViewNode } from "../view-model.js";
import { edgePath } from "./edge-path.js";

export interface SceneInput {
  nodes: Pick<ViewNode, "id" | "label" | "type" | "band" | "namespace">[];
  edges: ViewGraph["edges"];
  layers: string[];
  direction: "LR" | "TB";
}

export interface Scene {
  direction: "LR" | "TB";
  /** Per view node: top-left corner and size, packed [x, y, w, h, ...]. */
  boxes: Float64Array;
  /**
   * Every edge's polyline, flat x, y pairs: edge `e` is `edgeCoords[edgeOffsets[e] .. edgeOffsets[e + 1])`
   * (typed arrays, so the worker hands them over without copying; paths are made when drawn).
   */
  edgeCoords: Float64Array;
  edgeOffsets: Uint32Array;
  /** Per edge, its bounding box packed [minX, minY, maxX, maxY, ...]. */
  edgeBoxes: Float64Array;
  width: number;
  height: number;
  /** Layer bands along the flow, in order, touching each other: start and end on the rank axis. */
  bands: { name: string; start: number; end: number }[];
  /** Open namespaces drawn as a frame around their elements. */
  outlines: { namespace: string; x: number; y: number; w: number; h: number }[];
  layoutMs: number;
}

const MARGIN = 40;

export function computeScene(input: SceneInput): Scene {
  const sizes = input.nodes.map(nodeSize);
  const result = layeredLayout({
    nodes: input.nodes.map((n, i) => ({
      id: n.id,
      width: sizes[i]!.width,
      height: sizes[i]!.height,
      band: n.band,
    })),
    edges: input.edges,
    direction: input.direction,
  });
  const boxes = new Float64Array(input.nodes.length * 4);
  sizes.forEach(({ width, height }, i) => {
    boxes[i * 4] = result.x[i]! - width / 2 + MARGIN;
    boxes[i * 4 + 1] = result.y[i]! - height / 2 + MARGIN;
    boxes[i * 4 + 2] = width;
    boxes[i * 4 + 3] = height;
  });
  const edgeBoxes = new Float64Array(input.edges.length * 4);
  const edgeOffsets = new Uint32Array(input.edges.length + 1);
  let total = 0;
  result.edgePoints.forEach((points, e) => {
    edgeOffsets[e] = total;
    total += points.length;
  });
  edgeOffsets[input.edges.length] = total;
  const edgeCoords = new Float64Array(total);
  result.edgePoints.forEach((points, e) => {
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    const at = edgeOffsets[e]!;
    for (let i = 0; i < points.length; i += 2) {
      const x = points[i]! + MARGIN;
      const y = points[i + 1]! + MARGIN;
      edgeCoords[at + i] = x;
      edgeCoords[at + i + 1] = y;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    edgeBoxes[e * 4] = minX;
    edgeBoxes[e * 4 + 1] = minY;
    edgeBoxes[e * 4 + 2] = maxX;
    edgeBoxes[e * 4 + 3] = maxY;
  });
  const width = result.width + 2 * MARGIN;
  const height = result.height + 2 * MARGIN;
  // Bands: each from the middle of the gap before it to the middle of the gap after it.
  const present = input.layers
    .map((name, i) => ({ name, start: result.bandStart[i]! + MARGIN, end: result.bandEnd[i]! + MARGIN }))
    .filter((b) => !Number.isNaN(b.start));
  const extent = input.direction === "LR" ? width : height;
  const bands = present.map((b, i) => ({
    name: b.name,
    start: i === 0 ? 0 : (present[i - 1]!.end + b.start) / 2,
    end: i === present.length - 1 ? extent : (b.end + present[i + 1]!.start) / 2,
  }));
  // Each open namespace's frame: the box around its elements, nested ones included (one pass).
  const frames = new Map<string, [number, number, number, number]>();
  input.nodes.forEach((n, i) => {
    if (!n.namespace) return;
    const x = boxes[i * 4]!;
    const y = boxes[i * 4 + 1]!;
    const right = x + boxes[i * 4 + 2]!;
    const bottom = y + boxes[i * 4 + 3]!;
    for (let namespace: string | null = n.namespace; namespace; ) {
      const frame = frames.get(namespace);
      if (frame) {
        frame[0] = Math.min(frame[0], x);
        frame[1] = Math.min(frame[1], y);
        frame[2] = Math.max(frame[2], right);
        frame[3] = Math.max(frame[3], bottom);
      } else frames.set(namespace, [x, y, right, bottom]);
      const dot: number = namespace.lastIndexOf(".");
      namespace = dot === -1 ? null : namespace.slice(0, dot);
    }
  });
  const outlines: Scene["outlines"] = [...frames.keys()].sort().map((namespace) => {
    const [x0, y0, x1, y1] = frames.get(namespace)!;
    const pad = 14 - Math.min(namespace.split(".").length, 4) * 2;
    return { namespace, x: x0 - pad, y: y0 - pad - 16, w: x1 - x0 + 2 * pad, h: y1 - y0 + 2 * pad + 16 };
  });
  return {
    direction: input.direction,
    boxes,
    edgeCoords,
    edgeOffsets,
    edgeBoxes,
    width,
    height,
    bands,
    outlines,
    layoutMs: result.ms,
  };
}

/** Edge `e` of a scene as an SVG path. */
export function edgePathOf(scene: Scene, e: number): string {
  return edgePath(scene.edgeCoords, scene.direction, scene.edgeOffsets[e]!, scene.edgeOffsets[e + 1]!);
}
