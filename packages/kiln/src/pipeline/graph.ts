import { PipelineError } from "../errors/index.js";
import { quoteList } from "../utils/index.js";
import { stripTranscoding } from "./names.js";
import type { Node } from "./node.js";

/** Who writes and who reads each dataset (keys are names without transcoding). */
export interface DatasetIndex {
  producer: Map<string, Node>;
  consumers: Map<string, Node[]>;
}

/** Builds the producer/consumer index; throws when two nodes write one dataset. */
export function indexDatasets(nodes: readonly Node[]): DatasetIndex {
  const producer = new Map<string, Node>();
  const consumers = new Map<string, Node[]>();
  const clashes = new Map<string, Set<string>>();
  for (const n of nodes) {
    for (const out of n.outputs) {
      const base = stripTranscoding(out);
      const existing = producer.get(base);
      if (existing) {
        const names = clashes.get(base) ?? new Set([existing.name]);
        names.add(n.name);
        clashes.set(base, names);
      } else producer.set(base, n);
    }
    for (const input of n.inputs) {
      const base = stripTranscoding(input);
      const list = consumers.get(base);
      if (list) {
        if (list[list.length - 1] !== n) list.push(n);
      } else consumers.set(base, [n]);
    }
  }
  if (clashes.size > 0) {
    const lines = [...clashes].map(([ds, names]) => `"${ds}" is written by ${quoteList(names)}`);
    throw new PipelineError(
      "KILN_PIPELINE_DUPLICATE_OUTPUT",
      `More than one node writes the same dataset: ${lines.join("; ")}.`,
      { hint: "Each dataset has exactly one producer: rename one of the outputs." },
    );
  }
  return { producer, consumers };
}

const byName = (a: Node, b: Node) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Orders nodes in layers (Kahn's algorithm): a node's layer is one more than its deepest parent's,
 * so the nodes of one layer can run at the same time. Nodes within a layer are sorted by name, which
 * makes the order stable whatever order the nodes were given in. Linear in nodes + edges (plus sorting
 * within layers).
 * @throws PipelineError `KILN_PIPELINE_CYCLE` naming one cycle as `a -> b -> a`.
 */
export function layerNodes(nodes: readonly Node[], index: DatasetIndex): Node[][] {
  const position = new Map<Node, number>();
  for (let i = 0; i < nodes.length; i++) position.set(nodes[i]!, i);
  const pending = new Int32Array(nodes.length);
  const children: number[][] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) children[i] = [];
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const parents = new Set<number>();
    for (const input of n.inputs) {
      const p = index.producer.get(stripTranscoding(input));
      if (p !== undefined && p !== n) parents.add(position.get(p)!);
    }
    pending[i] = parents.size;
    for (const p of parents) children[p]!.push(i);
  }
  const layers: Node[][] = [];
  let current: number[] = [];
  for (let i = 0; i < nodes.length; i++) if (pending[i] === 0) current.push(i);
  let placed = 0;
  while (current.length > 0) {
    const layer = current.map((i) => nodes[i]!);
    layer.sort(byName);
    layers.push(layer);
    placed += current.length;
    const next: number[] = [];
    for (const i of current) {
      for (const c of children[i]!) if (--pending[c]! === 0) next.push(c);
    }
    current = next;
  }
  if (placed < nodes.length) {
    const cycle = findCycle(nodes, children, pending);
    throw new PipelineError("KILN_PIPELINE_CYCLE", `The pipeline has a cycle: ${cycle.join(" -> ")}.`, {
      hint: "A node cannot depend, directly or through others, on its own outputs. Rename one dataset to break the loop.",
    });
  }
  return layers;
}

/** One cycle among the nodes Kahn's algorithm could not place (those with pending > 0). */
function findCycle(nodes: readonly Node[], children: number[][], pending: Int32Array): string[] {
  const state = new Uint8Array(nodes.length); // 0 new, 1 on stack, 2 done
  const stack: number[] = [];
  const iterators: number[] = [];
  for (let start = 0; start < nodes.length; start++) {
    if (pending[start] === 0 || state[start] !== 0) continue;
    stack.push(start);
    iterators.push(0);
    state[start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const kids = children[top]!;
      const k = iterators[iterators.length - 1]!;
      if (k < kids.length) {
        iterators[iterators.length - 1] = k + 1;
        const child = kids[k]!;
        if (pending[child] === 0) continue;
        if (state[child] === 1) {
          const from = stack.indexOf(child);
          return [...stack.slice(from), child].map((i) => nodes[i]!.name);
        }
        if (state[child] === 0) {
          state[child] = 1;
          stack.push(child);
          iterators.push(0);
        }
      } else {
        state[top] = 2;
        stack.pop();
        iterators.pop();
      }
    }
  }
  return nodes.filter((_, i) => pending[i]! > 0).map((n) => n.name);
}
