// From the API's graph to what is drawn: filters (element types, tags), collapsed namespaces,
// run status, search and slices. Pure functions, so they are tested without a browser.
import type { ElementType, GraphNode, GraphResponse, RunSummary } from "../../src/api/types.js";

export type ViewType = ElementType | "namespace";
export type RunStatus = "success" | "failed" | "skipped";

/** What the user chose to see; kept in the URL. */
export interface ViewState {
  pipeline: string;
  direction: "LR" | "TB";
  hiddenTypes: ReadonlySet<ElementType>;
  /** Show only tasks with one of these tags (empty: all). */
  tags: ReadonlySet<string>;
  /** Namespaces drawn open; `"all"` opens every one. Others are drawn as one box. */
  expanded: ReadonlySet<string> | "all";
  selected: string | null;
  /** Two elements: the slice between them is highlighted. */
  slice: [string, string] | null;
  search: string;
  showRuns: boolean;
}

export const defaultViewState = (pipeline = "__default__"): ViewState => ({
  pipeline,
  direction: "LR",
  hiddenTypes: new Set(),
  tags: new Set(),
  expanded: new Set(),
  selected: null,
  slice: null,
  search: "",
  showRuns: true,
});

/** One box of the drawing. */
export interface ViewNode {
  id: string;
  label: string;
  type: ViewType;
  /** Index in the graph's layers, or -1. */
  band: number;
  /** For a collapsed namespace: how many elements it holds. */
  members: number;
  /** The last run's outcome, for tasks and namespaces holding tasks. */
  status: RunStatus | null;
  /** The namespace the box sits in (for a collapsed namespace: its parent), or null. */
  namespace: string | null;
}

export interface ViewGraph {
  nodes: ViewNode[];
  edges: { source: number; target: number }[];
  /** View node index by view id. */
  index: Map<string, number>;
  /** For every element of the API graph still shown: the id of the box that holds it. */
  shownAs: Map<string, string>;
}

/** The namespace box id for a namespace. */
export const namespaceId = (namespace: string) => `ns:${namespace}`;

/** The box an element is drawn in: itself, or its outermost collapsed namespace. */
function boxOf(node: GraphNode, expanded: ViewState["expanded"]): string {
  if (node.namespace === null || expanded === "all") return node.id;
  const parts = node.namespace.split(".");
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join(".");
    if (!expanded.has(prefix)) return namespaceId(prefix);
  }
  return node.id;
}

/** The label drawn: the name without its namespace (the box around it says which). */
export function labelOf(node: GraphNode): string {
  let name = node.type === "parameters" && node.name.startsWith("params:") ? node.name.slice(7) : node.name;
  if (node.namespace && name.startsWith(`${node.namespace}.`)) name = name.slice(node.namespace.length + 1);
  return name;
}

/**
 * Per task name, the outcome of the newest run of this pipeline (or the newest run at all): nodes
 * the run did not reach are `skipped` when the run was of the pipeline drawn.
 */
export function runStatuses(graph: GraphResponse, runs: readonly RunSummary[]): Map<string, RunStatus> {
  const statuses = new Map<string, RunStatus>();
  const run = runs.find((r) => r.pipeline === graph.pipeline) ?? runs[0];
  if (!run) return statuses;
  for (const n of run.nodes) statuses.set(n.name, n.status);
  if (run.pipeline === graph.pipeline) {
    for (const n of graph.nodes)
      if (n.type === "task" && !statuses.has(n.name)) statuses.set(n.name, "skipped");
  }
  return statuses;
}

/** The graph as drawn for a view state. */
export function buildView(
  graph: GraphResponse,
  state: ViewState,
  statuses: ReadonlyMap<string, RunStatus> = new Map(),
): ViewGraph {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  // Neighbour lists, made only when a filter needs them (tags, bridged types).
  let succ: Map<string, string[]> | undefined;
  let pred: Map<string, string[]> | undefined;
  const neighbours = () => {
    if (!succ || !pred) {
      succ = new Map();
      pred = new Map();
      for (const { source, target } of graph.edges) {
        (succ.get(source) ?? succ.set(source, []).get(source)!).push(target);
        (pred.get(target) ?? pred.set(target, []).get(target)!).push(source);
      }
    }
    return { succ, pred };
  };
  // 1. Which elements are shown: types, then tags (a dataset stays when a shown task touches it).
  const tagged = (n: GraphNode) => state.tags.size === 0 || n.tags.some((t) => state.tags.has(t));
  const shown = new Set<string>();
  for (const n of graph.nodes) {
    if (state.hiddenTypes.has(n.type)) continue;
    if (n.type === "task") {
      if (tagged(n)) shown.add(n.id);
    } else if (state.tags.size === 0) shown.add(n.id);
  }
  if (state.tags.size > 0) {
    for (const n of graph.nodes) {
      if (n.type === "task" || state.hiddenTypes.has(n.type)) continue;
      const { succ: after, pred: before } = neighbours();
      const touches = [...(after.get(n.id) ?? []), ...(before.get(n.id) ?? [])];
      if (touches.some((t) => shown.has(t))) shown.add(n.id);
    }
  }
  // 2. Edges between shown elements; a hidden task or dataset is bridged (task → task when
  // datasets are hidden), hidden parameters are dropped.
  const edges: [string, string][] = [];
  const bridged = (n: GraphNode) => state.hiddenTypes.has(n.type) && n.type !== "parameters";
  if (!graph.nodes.some(bridged)) {
    for (const { source, target } of graph.edges)
      if (shown.has(source) && shown.has(target)) edges.push([source, target]);
  } else {
    const { succ: after } = neighbours();
    for (const id of shown) {
      const reached = new Set<string>();
      const stack = [...(after.get(id) ?? [])];
      while (stack.length > 0) {
        const next = stack.pop()!;
        if (reached.has(next)) continue;
        reached.add(next);
        if (shown.has(next)) edges.push([id, next]);
        else if (bridged(byId.get(next)!)) stack.push(...(after.get(next) ?? []));
      }
    }
  }
  // 3. Collapsed namespaces become one box each.
  const nodes: ViewNode[] = [];
  const index = new Map<string, number>();
  const shownAs = new Map<string, string>();
  const nsStatus = new Map<string, RunStatus[]>();
  for (const id of shown) {
    const n = byId.get(id)!;
    const box = boxOf(n, state.expanded);
    shownAs.set(id, box);
    const status = n.type === "task" ? (statuses.get(n.name) ?? null) : null;
    if (box === id) {
      index.set(id, nodes.length);
      nodes.push({
        id,
        label: labelOf(n),
        type: n.type,
        band: bandOf(graph, n),
        members: 0,
        status,
        namespace: n.namespace,
      });
      continue;
    }
    let at = index.get(box);
    if (at === undefined) {
      at = nodes.length;
      index.set(box, at);
      const name = box.slice(3);
      const dot = name.lastIndexOf(".");
      nodes.push({
        id: box,
        label: dot === -1 ? name : name.slice(dot + 1),
        type: "namespace",
        band: -1,
        members: 0,
        status: null,
        namespace: dot === -1 ? null : name.slice(0, dot),
      });
    }
    nodes[at]!.members++;
    if (status) (nsStatus.get(box) ?? nsStatus.set(box, []).get(box)!).push(status);
  }
  for (const [box, list] of nsStatus) {
    nodes[index.get(box)!]!.status = list.includes("failed")
      ? "failed"
      : list.includes("success")
        ? "success"
        : "skipped";
  }
  const seen = new Set<string>();
  const viewEdges: ViewGraph["edges"] = [];
  for (const [a, b] of edges) {
    const source = index.get(shownAs.get(a)!)!;
    const target = index.get(shownAs.get(b)!)!;
    const key = `${source},${target}`;
    if (source === target || seen.has(key)) continue;
    seen.add(key);
    viewEdges.push({ source, target });
  }
  return { nodes, edges: viewEdges, index, shownAs };
}

function bandOf(graph: GraphResponse, n: GraphNode): number {
  return n.layer === null ? -1 : graph.layers.indexOf(n.layer);
}

/** Every element downstream of `from` (itself included), through the API graph. */
function reach(start: string, next: Map<string, string[]>): Set<string> {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const n of next.get(stack.pop()!) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen;
}

/** The slice between two elements and the `kiln run` command that runs it. */
export interface Slice {
  ids: Set<string>;
  command: string;
  from: string;
  to: string;
}

/**
 * The elements on paths from one element to the other (whichever comes first), and the command
 * that runs them: `--from-nodes`/`--to-nodes` for tasks, `--from-inputs`/`--to-outputs` for data.
 * Null when no path joins them.
 */
export function sliceBetween(graph: GraphResponse, a: string, b: string): Slice | null {
  const succ = new Map<string, string[]>();
  const pred = new Map<string, string[]>();
  for (const { source, target } of graph.edges) {
    (succ.get(source) ?? succ.set(source, []).get(source)!).push(target);
    (pred.get(target) ?? pred.set(target, []).get(target)!).push(source);
  }
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    const down = reach(from, succ);
    if (!down.has(to)) continue;
    const up = reach(to, pred);
    const ids = new Set([...down].filter((id) => up.has(id)));
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const start = byId.get(from)!;
    const end = byId.get(to)!;
    const flag = (n: GraphNode, side: "from" | "to") =>
      n.type === "task"
        ? `--${side}-nodes ${n.name}`
        : `--${side === "from" ? "from-inputs" : "to-outputs"} ${n.name}`;
    const pipeline = graph.pipeline === "__default__" ? "" : ` --pipeline ${graph.pipeline}`;
    return { ids, from, to, command: `kiln run${pipeline} ${flag(start, "from")} ${flag(end, "to")}` };
  }
  return null;
}

/** Elements whose name contains the query (case-insensitive), at most `limit`. */
export function searchNodes(graph: GraphResponse, query: string, limit = 50): GraphNode[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const found: GraphNode[] = [];
  for (const n of graph.nodes) {
    if (n.name.toLowerCase().includes(q)) {
      found.push(n);
      if (found.length >= limit) break;
    }
  }
  return found;
}

/** The command that runs one task, in the pipeline drawn. */
export function runNodeCommand(pipeline: string, name: string): string {
  return `kiln run${pipeline === "__default__" ? "" : ` --pipeline ${pipeline}`} --nodes ${name}`;
}
