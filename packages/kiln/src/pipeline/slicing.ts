import { PipelineError } from "../errors/index.js";
import { didYouMean, quoteList } from "../utils/index.js";
import type { DatasetIndex } from "./graph.js";
import { stripTranscoding } from "./names.js";
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
 * Nodes that read each of `datasets` (Kedro's rule): a bare `a` matches every format of `a`, while
 * `a@x` matches only nodes that read `a@x`. A name that is no dataset of the pipeline, or one no node
 * reads (a free output), is an error: Kedro would return an empty pipeline for the second.
 * @throws PipelineError `KILN_PIPELINE_UNKNOWN_DATASET`, `KILN_PIPELINE_NOT_AN_INPUT`
 */
export function consumersOf(datasets: Iterable<string>, index: DatasetIndex): Set<Node> {
  const result = new Set<Node>();
  const problems = new DatasetProblems();
  for (const ds of datasets) {
    const base = stripTranscoding(ds);
    const exact = ds.length !== base.length;
    const readers = (index.consumers.get(base) ?? []).filter((n) => !exact || n.inputs.includes(ds));
    if (readers.length > 0) for (const r of readers) result.add(r);
    else if (!isKnown(ds, index)) problems.unknown.push(ds);
    else problems.misdirected.push(notRead(ds, index));
  }
  problems.throwIfAny(index, "fromInputs");
  return result;
}

/**
 * Nodes that write each of `datasets` (Kedro's rule): a bare `a` matches the writer of any format of
 * `a`, while `a@x` matches only a node that writes `a@x`. A name that is no dataset of the pipeline,
 * or one no node writes (a free input), is an error: Kedro would return an empty pipeline for the second.
 * @throws PipelineError `KILN_PIPELINE_UNKNOWN_DATASET`, `KILN_PIPELINE_NOT_AN_OUTPUT`
 */
export function producersOf(datasets: Iterable<string>, index: DatasetIndex): Set<Node> {
  const result = new Set<Node>();
  const problems = new DatasetProblems();
  for (const ds of datasets) {
    const base = stripTranscoding(ds);
    const p = index.producer.get(base);
    if (p && (ds.length === base.length || p.outputs.includes(ds))) result.add(p);
    else if (!isKnown(ds, index)) problems.unknown.push(ds);
    else problems.misdirected.push(notWritten(ds, index));
  }
  problems.throwIfAny(index, "toOutputs");
  return result;
}

/** True when some node reads or writes `name` (a bare name: any format of it; `a@x`: exactly that). */
function isKnown(name: string, index: DatasetIndex): boolean {
  const base = stripTranscoding(name);
  const p = index.producer.get(base);
  const readers = index.consumers.get(base);
  if (name.length === base.length) return p !== undefined || readers !== undefined;
  return (p?.outputs.includes(name) ?? false) || (readers?.some((n) => n.inputs.includes(name)) ?? false);
}

/** The names (with their formats) under which nodes read, or write, dataset `base`; sorted. */
function formatsOf(base: string, index: DatasetIndex, use: "inputs" | "outputs"): string[] {
  const nodes = use === "outputs" ? [index.producer.get(base)] : (index.consumers.get(base) ?? []);
  const names = new Set<string>();
  for (const n of nodes) for (const ds of n?.[use] ?? []) if (stripTranscoding(ds) === base) names.add(ds);
  return [...names].sort();
}

interface Misdirected {
  /** What is wrong: `no node reads "a" (…)`. */
  problem: string;
  /** How to fix it. */
  hint: string;
}

/** Why a known dataset `name` has no reader, and what to ask for instead. */
function notRead(name: string, index: DatasetIndex): Misdirected {
  const base = stripTranscoding(name);
  const readAs = formatsOf(base, index, "inputs");
  if (readAs.length > 0) {
    return {
      problem: `no node reads "${name}" (it is read as ${quoteList(readAs)})`,
      hint: `A name with "@format" matches only that format: use ${quoteList(readAs)}, or "${base}" for every format.`,
    };
  }
  const writer = index.producer.get(base)!;
  return {
    problem: `no node reads "${name}" (it is a free output, written by node "${writer.name}")`,
    hint: `fromInputs (--from-inputs) takes datasets that nodes read; to run the nodes that produce "${name}", use toOutputs (--to-outputs).`,
  };
}

/** Why a known dataset `name` has no writer, and what to ask for instead. */
function notWritten(name: string, index: DatasetIndex): Misdirected {
  const base = stripTranscoding(name);
  const writer = index.producer.get(base);
  if (writer) {
    const writtenAs = formatsOf(base, index, "outputs");
    return {
      problem: `no node writes "${name}" (node "${writer.name}" writes it as ${quoteList(writtenAs)})`,
      hint: `A name with "@format" matches only that format: use ${quoteList(writtenAs)}, or "${base}" for every format.`,
    };
  }
  return {
    problem: `no node writes "${name}" (it is a free input, loaded from the catalog)`,
    hint: `toOutputs (--to-outputs) takes datasets that nodes write; to run the nodes that read "${name}", use fromInputs (--from-inputs).`,
  };
}

/** The problems with the dataset names given to fromInputs or toOutputs, reported together. */
class DatasetProblems {
  readonly unknown: string[] = [];
  readonly misdirected: Misdirected[] = [];

  throwIfAny(index: DatasetIndex, slice: "fromInputs" | "toOutputs"): void {
    if (this.unknown.length === 0 && this.misdirected.length === 0) return;
    const parts: string[] = [];
    const hints: string[] = [];
    if (this.unknown.length > 0) {
      const many = this.unknown.length > 1;
      parts.push(
        `${quoteList(this.unknown)} ${many ? "are not datasets" : "is not a dataset"} of the pipeline`,
      );
      const known = datasetNames(index);
      const near = this.unknown.map((m) => formatsHint(m, index) ?? didYouMean(m, known)).filter(Boolean);
      hints.push(...(near.length > 0 ? (near as string[]) : [`Its datasets: ${quoteList(known, 12)}.`]));
    }
    for (const m of this.misdirected) {
      parts.push(m.problem);
      hints.push(m.hint);
    }
    const code =
      this.unknown.length > 0
        ? "KILN_PIPELINE_UNKNOWN_DATASET"
        : slice === "fromInputs"
          ? "KILN_PIPELINE_NOT_AN_INPUT"
          : "KILN_PIPELINE_NOT_AN_OUTPUT";
    throw new PipelineError(code, `${slice}: ${parts.join("; ")}.`, { hint: hints.join(" ") });
  }
}

/** For an unknown `a@x` whose dataset `a` exists: the formats it is used with. */
function formatsHint(name: string, index: DatasetIndex): string | undefined {
  const base = stripTranscoding(name);
  if (base === name || !isKnown(base, index)) return undefined;
  const used = [
    ...new Set([...formatsOf(base, index, "outputs"), ...formatsOf(base, index, "inputs")]),
  ].sort();
  if (used.every((u) => u === base)) return `"${base}" is used without a format: use "${base}".`;
  return `"${base}" is used as ${quoteList(used)}; a bare "${base}" matches every format.`;
}

/** Every dataset name of the pipeline, bare and with formats, sorted (for did-you-mean). */
function datasetNames(index: DatasetIndex): string[] {
  const names = new Set<string>();
  for (const [base, p] of index.producer) {
    names.add(base);
    for (const out of p.outputs) if (stripTranscoding(out) === base) names.add(out);
  }
  for (const [base, readers] of index.consumers) {
    names.add(base);
    for (const r of readers)
      for (const input of r.inputs) if (stripTranscoding(input) === base) names.add(input);
  }
  return [...names].sort();
}

/** True when `namespace` is `wanted` or nested inside it (`a.b` is inside `a`, `ab` is not). */
export function inNamespace(namespace: string | undefined, wanted: string): boolean {
  return namespace !== undefined && (namespace === wanted || namespace.startsWith(`${wanted}.`));
}
