import { PipelineError } from "../errors/index.js";
import { quoteList } from "../utils/index.js";
import { stripTranscoding } from "./names.js";
import type { Node } from "./node.js";

/** Who writes and who reads each dataset (keys are names without transcoding). */
export interface DatasetIndex {
  producer: Map<string, Node>;
  consumers: Map<string, Node[]>;
}

/**
 * Builds the producer/consumer index. Assumes one producer per dataset, which {@link layerNodes}
 * checks when a pipeline is built; pipelines build this index only when something asks for it.
 */
export function indexDatasets(nodes: readonly Node[]): DatasetIndex {
  const producer = new Map<string, Node>();
  const consumers = new Map<string, Node[]>();
  for (const n of nodes) {
    for (const out of n.outputs) producer.set(stripTranscoding(out), n);
    for (const input of n.inputs) {
      const base = stripTranscoding(input);
      const list = consumers.get(base);
      if (list) {
        if (list[list.length - 1] !== n) list.push(n);
      } else consumers.set(base, [n]);
    }
  }
  return { producer, consumers };
}

/** The error for datasets written by more than one node, each with every writer. */
function duplicateOutputs(nodes: readonly Node[], clashing: ReadonlySet<string>): PipelineError {
  const writers = new Map<string, string[]>();
  for (const n of nodes) {
    for (const out of n.outputs) {
      const base = stripTranscoding(out);
      if (clashing.has(base)) writers.set(base, [...(writers.get(base) ?? []), n.name]);
    }
  }
  const lines = [...writers].map(([ds, names]) => `"${ds}" is written by ${quoteList(names)}`);
  return new PipelineError(
    "KILN_PIPELINE_DUPLICATE_OUTPUT",
    `More than one node writes the same dataset: ${lines.join("; ")}.`,
    {
      hint: "Each dataset has exactly one producer: rename one of the outputs.",
    },
  );
}

const byName = (a: Node, b: Node) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Nodes in order, layer after layer: layer k is `order[starts[k]]` up to the next start (or the end). */
export interface Layering {
  order: Node[];
  starts: number[];
}

/** The layers of a {@link Layering} as arrays. */
export function layersOf({ order, starts }: Layering): Node[][] {
  return starts.map((start, k) => order.slice(start, starts[k + 1] ?? order.length));
}

/**
 * Orders nodes in layers (Kahn's algorithm): a node's layer is one more than its deepest parent's,
 * so the nodes of one layer can run at the same time. Nodes within a layer are sorted by name, which
 * makes the order stable whatever order the nodes were given in. Linear in nodes + edges (plus sorting
 * within layers).
 * @throws PipelineError `KILN_PIPELINE_DUPLICATE_OUTPUT` when two nodes write one dataset,
 *   `KILN_PIPELINE_CYCLE` naming one cycle as `a -> b -> a`.
 */
export function layerNodes(nodes: readonly Node[]): Layering {
  const count = nodes.length;
  // Where each dataset's producer is in `nodes` (keys without transcoding, as in DatasetIndex.producer).
  const producerAt = new Map<string, number>();
  const clashing = new Set<string>();
  for (let i = 0; i < count; i++) {
    for (const out of nodes[i]!.outputs) {
      const base = stripTranscoding(out);
      if (producerAt.has(base)) clashing.add(base);
      else producerAt.set(base, i);
    }
  }
  if (clashing.size > 0) throw duplicateOutputs(nodes, clashing);
  // Edges are stored compactly (no array per node): the children of node p are
  // childList[firstChild[p]] .. childList[firstChild[p + 1] - 1], in ascending order.
  const pending = new Int32Array(count);
  const firstChild = new Int32Array(count + 1);
  let inputCount = 0;
  for (let i = 0; i < count; i++) inputCount += nodes[i]!.inputs.length;
  const edgeParents = new Int32Array(inputCount); // at most one edge per input
  let edgeCount = 0;
  // lastChild[p] === i marks parent p as already counted for node i (a node may read two outputs of one parent).
  const lastChild = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    let parents = 0;
    for (const input of nodes[i]!.inputs) {
      const at = producerAt.get(stripTranscoding(input));
      if (at === undefined || at === i || lastChild[at] === i) continue;
      lastChild[at] = i;
      parents++;
      edgeParents[edgeCount++] = at;
      firstChild[at + 1]!++;
    }
    pending[i] = parents;
  }
  for (let p = 0; p < count; p++) firstChild[p + 1]! += firstChild[p]!;
  const childList = new Int32Array(edgeCount);
  const fill = firstChild.slice(0, count);
  for (let i = 0, e = 0; i < count; i++) {
    for (let k = pending[i]!; k > 0; k--) childList[fill[edgeParents[e++]!]!++] = i;
  }
  // Kahn's algorithm, one layer at a time: queue[head..end) is the current layer, its children are appended.
  const order: Node[] = [];
  const starts: number[] = [];
  const queue = new Int32Array(count);
  let tail = 0;
  for (let i = 0; i < count; i++) if (pending[i] === 0) queue[tail++] = i;
  let head = 0;
  while (head < tail) {
    const end = tail;
    starts.push(order.length);
    if (end - head === 1) order.push(nodes[queue[head]!]!);
    else {
      const layer: Node[] = [];
      for (let q = head; q < end; q++) layer.push(nodes[queue[q]!]!);
      layer.sort(byName);
      for (const n of layer) order.push(n);
    }
    for (let q = head; q < end; q++) {
      const i = queue[q]!;
      for (let k = firstChild[i]!, stop = firstChild[i + 1]!; k < stop; k++) {
        const c = childList[k]!;
        if (--pending[c]! === 0) queue[tail++] = c;
      }
    }
    head = end;
  }
  const placed = tail;
  if (placed < count) {
    const children = Array.from({ length: count }, (_, p) =>
      Array.from(childList.subarray(firstChild[p]!, firstChild[p + 1]!)),
    );
    const cycle = findCycle(nodes, children, pending);
    throw new PipelineError("KILN_PIPELINE_CYCLE", `The pipeline has a cycle: ${cycle.join(" -> ")}.`, {
      hint: "A node cannot depend, directly or through others, on its own outputs. Rename one dataset to break the loop.",
    });
  }
  return { order, starts };
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
