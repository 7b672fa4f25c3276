import { isParameter, type Pipeline, stripTranscoding } from "kiln";
import type { GraphEdge, GraphNode, GraphResponse, NamespaceInfo } from "./types.js";

/** What the graph shows of a dataset: its catalog type and data layer. */
export interface DatasetInfo {
  type: string;
  layer: string | null;
}

/** What {@link buildGraph} draws. */
export interface GraphInput {
  project: string;
  pipelineName: string;
  /** Every registered pipeline's name. */
  pipelineNames: readonly string[];
  pipeline: Pipeline;
  /** A dataset's type and layer, by name (transcoding stripped). */
  datasetInfo: (name: string) => DatasetInfo;
  tracking: boolean;
}

/** The ids the API uses: readable, stable across runs, distinct per kind. */
export const taskId = (name: string) => `task:${name}`;
export const dataId = (name: string) => (isParameter(name) ? `param:${name}` : `data:${name}`);

/** Kedro's usual layers, the tie-break when the graph does not order two layers. */
const CONVENTIONAL_LAYERS = [
  "raw",
  "intermediate",
  "primary",
  "feature",
  "model_input",
  "models",
  "model_output",
  "reporting",
];

/**
 * Orders data layers as data flows: layer A before B when a node reads a dataset of A and writes
 * one of B. Ties (and layers caught in a cycle) go by Kedro's conventional order, then by name.
 */
export function orderLayers(layers: Iterable<string>, flows: Iterable<[from: string, to: string]>): string[] {
  const rank = (layer: string) => {
    const i = CONVENTIONAL_LAYERS.indexOf(layer);
    return i === -1 ? CONVENTIONAL_LAYERS.length : i;
  };
  const byConvention = (a: string, b: string) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
  const all = [...new Set(layers)];
  const next = new Map<string, Set<string>>(all.map((l) => [l, new Set()]));
  const indegree = new Map<string, number>(all.map((l) => [l, 0]));
  for (const [from, to] of flows) {
    if (from === to || !next.has(from) || !next.has(to) || next.get(from)!.has(to)) continue;
    next.get(from)!.add(to);
    indegree.set(to, indegree.get(to)! + 1);
  }
  const ordered: string[] = [];
  const ready = all.filter((l) => indegree.get(l) === 0).sort(byConvention);
  while (ready.length > 0) {
    const layer = ready.shift()!;
    ordered.push(layer);
    for (const to of next.get(layer)!) {
      const left = indegree.get(to)! - 1;
      indegree.set(to, left);
      if (left === 0) ready.push(to);
    }
    ready.sort(byConvention);
  }
  const cyclic = all.filter((l) => !ordered.includes(l)).sort(byConvention);
  return [...ordered, ...cyclic];
}

/** The longest namespace both are inside (`a.b` and `a.c` → `a`), or null. */
function commonNamespace(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return null;
  if (a === b) return a;
  const x = a.split(".");
  const y = b.split(".");
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i === 0 ? null : x.slice(0, i).join(".");
}

/**
 * The namespace a dataset is drawn inside: the deepest one holding every node that reads or writes
 * it and whose prefix its name carries (a modular pipeline prefixes the datasets it keeps inside).
 * A dataset also read or written outside is an input or output of the namespace, drawn outside.
 */
function datasetNamespace(name: string, touching: string | null): string | null {
  const bare = isParameter(name) && name.startsWith("params:") ? name.slice("params:".length) : name;
  for (let ns = touching; ns !== null; ) {
    if (bare.startsWith(`${ns}.`)) return ns;
    const dot = ns.lastIndexOf(".");
    ns = dot === -1 ? null : ns.slice(0, dot);
  }
  return null;
}

/** One registered pipeline as the page draws it: elements, edges, layers, tags and namespaces. */
export function buildGraph(input: GraphInput): GraphResponse {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  // Per dataset: the common namespace of the nodes touching it (undefined before the first).
  const touching = new Map<string, string | null>();
  const producers = new Map<string, string>();
  const tags = new Set<string>();
  const namespaces = new Set<string>();
  const touch = (dataset: string, namespace: string | null) => {
    const seen = touching.get(dataset);
    touching.set(dataset, seen === undefined ? namespace : commonNamespace(seen, namespace));
  };
  for (const n of input.pipeline.nodes) {
    const id = taskId(n.name);
    const namespace = n.namespace ?? null;
    const nodeTags = n.tags.size === 0 ? [] : [...n.tags].sort();
    for (const tag of nodeTags) tags.add(tag);
    if (namespace !== null) namespaces.add(namespace);
    nodes.push({ id, name: n.name, type: "task", namespace, tags: nodeTags, layer: null });
    for (const raw of n.inputs) {
      const dataset = stripTranscoding(raw);
      touch(dataset, namespace);
      edges.push({ source: dataId(dataset), target: id });
    }
    for (const raw of n.outputs) {
      const dataset = stripTranscoding(raw);
      touch(dataset, namespace);
      producers.set(dataset, n.name);
      edges.push({ source: id, target: dataId(dataset) });
    }
  }
  const layerOf = new Map<string, string>();
  for (const [dataset, common] of touching) {
    const parameter = isParameter(dataset);
    const info = parameter ? undefined : input.datasetInfo(dataset);
    const layer = info?.layer ?? null;
    if (layer !== null) layerOf.set(dataset, layer);
    nodes.push({
      id: dataId(dataset),
      name: dataset,
      type: parameter ? "parameters" : "data",
      namespace: datasetNamespace(dataset, common),
      tags: [],
      layer,
      ...(info ? { datasetType: info.type } : {}),
    });
  }
  const flows: [string, string][] = [];
  if (layerOf.size > 0) {
    for (const n of input.pipeline.nodes) {
      for (const raw of n.inputs) {
        const from = layerOf.get(stripTranscoding(raw));
        if (from === undefined) continue;
        for (const out of n.outputs) {
          const to = layerOf.get(stripTranscoding(out));
          if (to !== undefined && to !== from) flows.push([from, to]);
        }
      }
    }
  }
  return {
    project: input.project,
    pipeline: input.pipelineName,
    pipelines: sortPipelines(input.pipelineNames),
    nodes,
    edges,
    layers: orderLayers(layerOf.values(), flows),
    tags: [...tags].sort(),
    namespaces: namespaceTree(namespaces),
    features: { tracking: input.tracking },
  };
}

/** `__default__` first, then by name. */
export function sortPipelines(names: Iterable<string>): string[] {
  return [...names].sort((a, b) =>
    a === "__default__" ? -1 : b === "__default__" ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
}

/** Every namespace and each of its parents (`a.b` gives `a` and `a.b`), parents first. */
function namespaceTree(namespaces: Iterable<string>): NamespaceInfo[] {
  const all = new Set<string>();
  for (const ns of namespaces) {
    const parts = ns.split(".");
    for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join("."));
  }
  return [...all].sort().map((id) => {
    const dot = id.lastIndexOf(".");
    return { id, name: id.slice(dot + 1), parent: dot === -1 ? null : id.slice(0, dot) };
  });
}
