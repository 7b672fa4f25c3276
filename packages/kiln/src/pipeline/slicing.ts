import { PipelineError } from "../errors/index.js";
import { didYouMean, quoteList } from "../utils/index.js";
import type { DatasetIndex } from "./graph.js";
import { stripTranscoding, TRANSCODING_SEPARATOR } from "./names.js";
import type { Node } from "./node.js";

/** Nodes reachable downstream from `start` (inclusive), following datasets from producer to consumers. */
export function descendants(start: Iterable<Node>, index: DatasetIndex): Set<Node> {
  const seen = new Set<Node>(start);
  const queue = [...seen];
  while (queue.length > 0) {
    const n = queue.pop()!;
    for (const out of n.outputs) {
      for (const c of index.consumers.get(stripTranscoding(out)) ?? []) {
        if (!seen.has(c)) {
          seen.add(c);
          queue.push(c);
        }
      }
    }
  }
  return seen;
}

/** Nodes reachable upstream from `start` (inclusive), following inputs to their producers. */
export function ancestors(start: Iterable<Node>, index: DatasetIndex): Set<Node> {
  const seen = new Set<Node>(start);
  const queue = [...seen];
  while (queue.length > 0) {
    const n = queue.pop()!;
    for (const input of n.inputs) {
      const p = index.producer.get(stripTranscoding(input));
      if (p && !seen.has(p)) {
        seen.add(p);
        queue.push(p);
      }
    }
  }
  return seen;
}

/** Looks nodes up by full name; unknown names are an error with a did-you-mean. */
export function nodesNamed(names: Iterable<string>, byName: ReadonlyMap<string, Node>): Node[] {
  const found: Node[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const n = byName.get(name);
    if (n) found.push(n);
    else missing.push(name);
  }
  if (missing.length > 0) {
    const hints = missing.map((m) => didYouMean(m, byName.keys())).filter(Boolean);
    throw new PipelineError(
      "KILN_PIPELINE_UNKNOWN_NODE",
      `The pipeline has no node named ${quoteList(missing)}.`,
      {
        hint:
          hints.length > 0
            ? hints.join(" ")
            : `Node names are full names including the namespace; list them with \`kiln registry describe\`.`,
      },
    );
  }
  return found;
}

/**
 * Nodes that read each of `datasets`. `a@x` matches only that transcoded input; a bare `a` matches
 * every format of `a`. Names read by no node are an error.
 */
export function consumersOf(datasets: Iterable<string>, index: DatasetIndex): Set<Node> {
  const result = new Set<Node>();
  const missing: string[] = [];
  for (const ds of datasets) {
    const base = stripTranscoding(ds);
    const exact = ds.includes(TRANSCODING_SEPARATOR);
    const readers = (index.consumers.get(base) ?? []).filter((n) => !exact || n.inputs.includes(ds));
    if (readers.length === 0) missing.push(ds);
    for (const r of readers) result.add(r);
  }
  if (missing.length > 0) unknownDatasets(missing, index.consumers.keys(), "is read by no node");
  return result;
}

/** Nodes that write each of `datasets` (transcoding ignored). Names written by no node are an error. */
export function producersOf(datasets: Iterable<string>, index: DatasetIndex): Set<Node> {
  const result = new Set<Node>();
  const missing: string[] = [];
  for (const ds of datasets) {
    const p = index.producer.get(stripTranscoding(ds));
    if (p) result.add(p);
    else missing.push(ds);
  }
  if (missing.length > 0) unknownDatasets(missing, index.producer.keys(), "is written by no node");
  return result;
}

function unknownDatasets(missing: string[], known: Iterable<string>, what: string): never {
  const names = [...known];
  const hints = missing.map((m) => didYouMean(m, names)).filter(Boolean);
  throw new PipelineError(
    "KILN_PIPELINE_UNKNOWN_DATASET",
    `In this pipeline, ${quoteList(missing)} ${what}.`,
    { hint: hints.length > 0 ? hints.join(" ") : `Known datasets: ${quoteList(names.sort(), 12)}.` },
  );
}

/** True when `namespace` is `wanted` or nested inside it (`a.b` is inside `a`, `ab` is not). */
export function inNamespace(namespace: string | undefined, wanted: string): boolean {
  return namespace !== undefined && (namespace === wanted || namespace.startsWith(`${wanted}.`));
}
