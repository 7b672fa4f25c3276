import { PipelineError } from "../errors/index.js";
import { didYouMean, quoteList } from "../utils/index.js";
import { type DatasetIndex, indexDatasets, layerNodes, layersOf } from "./graph.js";
import { stripTranscoding, TRANSCODING_SEPARATOR, validateTag } from "./names.js";
import { Node } from "./node.js";
import { ancestors, consumersOf, descendants, inNamespace, nodesNamed, producersOf } from "./slicing.js";

/** What {@link Pipeline.filter} selects; every given criterion applies and the results intersect (as Kedro's). */
export interface PipelineFilter {
  /** Nodes with any of these tags. */
  tags?: Iterable<string>;
  /** These nodes and everything downstream of them. */
  fromNodes?: Iterable<string>;
  /** These nodes and everything upstream of them. */
  toNodes?: Iterable<string>;
  /** Exactly these nodes. */
  nodeNames?: Iterable<string>;
  /** Nodes that depend, directly or not, on these datasets. */
  fromInputs?: Iterable<string>;
  /** Nodes needed to produce these datasets. */
  toOutputs?: Iterable<string>;
  /** Nodes in these namespaces (or namespaces nested in them). */
  nodeNamespaces?: Iterable<string>;
}

/** Anything {@link pipeline} and the algebra accept: a node, a pipeline, or a list of them. */
export type PipelineLike = Node | Pipeline | Iterable<Node | Pipeline>;

function* flatten(items: PipelineLike): Generator<Node> {
  if (items instanceof Node) yield items;
  else if (items instanceof Pipeline) yield* items.nodes;
  else if (items && typeof (items as Iterable<unknown>)[Symbol.iterator] === "function") {
    for (const item of items as Iterable<unknown>) {
      if (item instanceof Node) yield item;
      else if (item instanceof Pipeline) yield* item.nodes;
      else {
        throw new PipelineError(
          "KILN_PIPELINE_INVALID_ITEM",
          `pipeline() takes nodes and pipelines, but got ${item === null ? "null" : typeof item}${
            typeof item === "object" && item ? ` (${(item as object).constructor?.name})` : ""
          }.`,
          { hint: "Wrap functions with node({ func, inputs, outputs }) before adding them to a pipeline." },
        );
      }
    }
  } else {
    throw new PipelineError(
      "KILN_PIPELINE_INVALID_ITEM",
      "pipeline() takes a node, a pipeline or a list of them.",
    );
  }
}

function isNodeList(items: PipelineLike): items is readonly Node[] {
  if (!Array.isArray(items)) return false;
  for (const item of items) if (!(item instanceof Node)) return false;
  return true;
}

/** Removes repeats of one node (the same node added twice); two different nodes with one name are an error. */
function dedupe(nodes: Iterable<Node>): Node[] {
  const byName = new Map<string, Node>();
  const result: Node[] = [];
  for (const n of nodes) {
    const existing = byName.get(n.name);
    if (existing === undefined) {
      byName.set(n.name, n);
      result.push(n);
    } else if (!existing.equals(n)) {
      throw new PipelineError(
        "KILN_PIPELINE_DUPLICATE_NODE_NAME",
        `Two different nodes are named "${n.name}" (${existing.toString()} and ${n.toString()}).`,
        { hint: "Give one of them another `name`, or put them in different namespaces." },
      );
    }
  }
  return result;
}

/** A dataset used both as `a` and as `a@format` is ambiguous (Kedro's rule). */
function checkTranscoding(nodes: readonly Node[]): void {
  const transcoded = new Set<string>();
  for (const n of nodes) {
    for (const ds of n.inputs) if (ds.includes(TRANSCODING_SEPARATOR)) transcoded.add(stripTranscoding(ds));
    for (const ds of n.outputs) if (ds.includes(TRANSCODING_SEPARATOR)) transcoded.add(stripTranscoding(ds));
  }
  if (transcoded.size === 0) return; // the common case: no need to collect every plain name
  const plain = new Set<string>();
  for (const n of nodes) {
    for (const ds of n.inputs) if (transcoded.has(ds)) plain.add(ds);
    for (const ds of n.outputs) if (transcoded.has(ds)) plain.add(ds);
  }
  const mixed = [...transcoded].filter((b) => plain.has(b));
  if (mixed.length > 0) {
    throw new PipelineError(
      "KILN_PIPELINE_TRANSCODING_MIXED",
      `${quoteList(mixed)} ${mixed.length > 1 ? "are" : "is"} used with a transcoding format ("name@format") in some nodes and without one in others.`,
      { hint: 'Use "name@format" everywhere the dataset appears, or nowhere.' },
    );
  }
}

/**
 * An immutable set of nodes, ordered so that every node comes after the nodes it depends on.
 * Build one with {@link pipeline}; every method returns a new pipeline.
 */
export class Pipeline {
  readonly #nodes: readonly Node[];
  readonly #layerStarts: readonly number[];
  #layers: readonly (readonly Node[])[] | undefined;
  #index: DatasetIndex | undefined;
  #byName: Map<string, Node> | undefined;
  // The pipeline is immutable: these sorted lists are computed once (every run asks for them several times).
  #allInputs: readonly string[] | undefined;
  #allOutputs: readonly string[] | undefined;
  #datasets: readonly string[] | undefined;

  /**
   * Validates (one producer per dataset, unique node names, consistent transcoding, no cycle) and orders.
   * @throws PipelineError
   */
  constructor(items: PipelineLike = []) {
    // A plain list of nodes (the common case) skips the generator; the result is the same.
    const nodes = dedupe(isNodeList(items) ? items : flatten(items));
    checkTranscoding(nodes);
    const { order, starts } = layerNodes(nodes);
    this.#nodes = order;
    this.#layerStarts = starts; // the layers' arrays are only made when asked for
  }

  /** The nodes in a stable topological order (by layer, then by name). */
  get nodes(): readonly Node[] {
    return this.#nodes;
  }

  /** Groups of nodes that can run at the same time, in order. */
  layers(): readonly (readonly Node[])[] {
    this.#layers ??= layersOf({ order: this.#nodes as Node[], starts: this.#layerStarts as number[] });
    return this.#layers;
  }

  /** Look up a node by its full name. */
  node(name: string): Node | undefined {
    return this.#nodesByName().get(name);
  }

  #nodesByName(): Map<string, Node> {
    if (!this.#byName) this.#byName = new Map(this.#nodes.map((n) => [n.name, n]));
    return this.#byName;
  }

  /** @internal The producer/consumer index, for runners. */
  get datasetIndex(): DatasetIndex {
    this.#index ??= indexDatasets(this.#nodes); // built on first use: building a pipeline does not need it
    return this.#index;
  }

  /** Every dataset name read by some node, sorted. */
  allInputs(): string[] {
    this.#allInputs ??= [...new Set(this.#nodes.flatMap((n) => n.inputs))].sort();
    return this.#allInputs.slice();
  }

  /** Every dataset name written by some node, sorted. */
  allOutputs(): string[] {
    this.#allOutputs ??= [...new Set(this.#nodes.flatMap((n) => n.outputs))].sort();
    return this.#allOutputs.slice();
  }

  /** Free inputs: datasets read but not produced inside the pipeline (the run loads them from the catalog). */
  inputs(): string[] {
    return this.allInputs().filter((ds) => !this.datasetIndex.producer.has(stripTranscoding(ds)));
  }

  /** Free outputs: datasets produced but read by no node of the pipeline. */
  outputs(): string[] {
    return this.allOutputs().filter((ds) => !this.datasetIndex.consumers.has(stripTranscoding(ds)));
  }

  /** Every dataset name the pipeline mentions, sorted. */
  datasets(): string[] {
    this.#datasets ??= [...new Set([...this.allInputs(), ...this.allOutputs()])].sort();
    return this.#datasets.slice();
  }

  /** Every tag used by some node, sorted. */
  tags(): string[] {
    return [...new Set(this.#nodes.flatMap((n) => [...n.tags]))].sort();
  }

  /** Every namespace used by some node, including the enclosing ones, sorted. */
  namespaces(): string[] {
    const all = new Set<string>();
    for (const n of this.#nodes) {
      if (!n.namespace) continue;
      const parts = n.namespace.split(".");
      for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join("."));
    }
    return [...all].sort();
  }

  /** Union: the nodes of both. */
  add(other: PipelineLike): Pipeline {
    return new Pipeline([this, ...flatten(other)]);
  }

  /** The nodes of this pipeline that are not in `other`. */
  difference(other: PipelineLike): Pipeline {
    const drop = new Set([...flatten(other)].map((n) => n.name));
    return new Pipeline(this.#nodes.filter((n) => !drop.has(n.name)));
  }

  /** The nodes in both pipelines. */
  intersection(other: PipelineLike): Pipeline {
    const keep = new Set([...flatten(other)].map((n) => n.name));
    return new Pipeline(this.#nodes.filter((n) => keep.has(n.name)));
  }

  /** Exactly the named nodes. @throws PipelineError `KILN_PIPELINE_UNKNOWN_NODE` with a did-you-mean. */
  onlyNodes(...names: string[]): Pipeline {
    return new Pipeline(nodesNamed(names, this.#nodesByName()));
  }

  /** Nodes that have any of `tags` (an empty pipeline when none does). */
  onlyNodesWithTags(...tags: string[]): Pipeline {
    return new Pipeline(this.#nodes.filter((n) => tags.some((t) => n.tags.has(t))));
  }

  /** Nodes in any of `namespaces`, nested ones included. @throws PipelineError for a namespace no node is in. */
  onlyNodesWithNamespaces(...namespaces: string[]): Pipeline {
    const unknown = namespaces.filter((ns) => !this.#nodes.some((n) => inNamespace(n.namespace, ns)));
    if (unknown.length > 0) {
      const hint = unknown.map((u) => didYouMean(u, this.namespaces())).filter(Boolean);
      throw new PipelineError(
        "KILN_PIPELINE_UNKNOWN_NAMESPACE",
        `No node of the pipeline is in namespace ${quoteList(unknown)}.`,
        {
          hint:
            hint.length > 0 ? hint.join(" ") : `Namespaces here: ${quoteList(this.namespaces()) || "none"}.`,
        },
      );
    }
    return new Pipeline(this.#nodes.filter((n) => namespaces.some((ns) => inNamespace(n.namespace, ns))));
  }

  /** The named nodes and everything downstream of them. */
  fromNodes(...names: string[]): Pipeline {
    return new Pipeline(descendants(nodesNamed(names, this.#nodesByName()), this.datasetIndex));
  }

  /** The named nodes and everything upstream of them. */
  toNodes(...names: string[]): Pipeline {
    return new Pipeline(ancestors(nodesNamed(names, this.#nodesByName()), this.datasetIndex));
  }

  /**
   * Every node that depends, directly or not, on any of `datasets`. A bare name matches every format
   * of a transcoded dataset, `name@format` only that format (as Kedro).
   * @throws PipelineError for a name that is no dataset here, or that no node reads (see docs/pipelines.md).
   */
  fromInputs(...datasets: string[]): Pipeline {
    return new Pipeline(descendants(consumersOf(datasets, this.datasetIndex), this.datasetIndex));
  }

  /**
   * Every node needed to produce `datasets`. A bare name matches the writer of any format of a
   * transcoded dataset, `name@format` only a node that writes that format (as Kedro).
   * @throws PipelineError for a name that is no dataset here, or that no node writes (see docs/pipelines.md).
   */
  toOutputs(...datasets: string[]): Pipeline {
    return new Pipeline(ancestors(producersOf(datasets, this.datasetIndex), this.datasetIndex));
  }

  /**
   * Applies every given criterion and keeps the nodes that pass all of them (Kedro's `filter`).
   * Unlike Kedro, a tag no node has is an error, not ignored (docs/pipelines.md lists the differences).
   * @throws PipelineError for unknown nodes, datasets, tags or namespaces, and when nothing is left.
   */
  filter(criteria: PipelineFilter): Pipeline {
    const list = (v: Iterable<string> | undefined) => (v === undefined ? [] : [...v]);
    const tags = list(criteria.tags);
    const unknownTags = tags.filter((t) => !this.#nodes.some((n) => n.tags.has(t)));
    if (unknownTags.length > 0) {
      const hint = unknownTags.map((t) => didYouMean(t, this.tags())).filter(Boolean);
      throw new PipelineError(
        "KILN_PIPELINE_UNKNOWN_TAG",
        `No node of the pipeline has tag ${quoteList(unknownTags)}.`,
        {
          hint: hint.length > 0 ? hint.join(" ") : `Tags here: ${quoteList(this.tags()) || "none"}.`,
        },
      );
    }
    const subsets: Pipeline[] = [];
    const apply = (values: string[], slice: (...names: string[]) => Pipeline) => {
      if (values.length > 0) subsets.push(slice.apply(this, values));
    };
    apply(tags, this.onlyNodesWithTags);
    apply(list(criteria.fromNodes), this.fromNodes);
    apply(list(criteria.toNodes), this.toNodes);
    apply(list(criteria.nodeNames), this.onlyNodes);
    apply(list(criteria.fromInputs), this.fromInputs);
    apply(list(criteria.toOutputs), this.toOutputs);
    apply(list(criteria.nodeNamespaces), this.onlyNodesWithNamespaces);
    let keep = new Set(this.#nodes.map((n) => n.name));
    for (const s of subsets) {
      const names = new Set(s.nodes.map((n) => n.name));
      keep = new Set([...keep].filter((n) => names.has(n)));
    }
    if (keep.size === 0) {
      throw new PipelineError(
        "KILN_PIPELINE_EMPTY_FILTER",
        "No node is left after applying all the given filters.",
        {
          hint: "The filters intersect: check that the nodes, tags, namespaces and datasets you named overlap.",
        },
      );
    }
    return new Pipeline(this.#nodes.filter((n) => keep.has(n.name)));
  }

  /** The same nodes with `tags` added to each. */
  tag(tags: string | Iterable<string>): Pipeline {
    const list = typeof tags === "string" ? [tags] : [...tags];
    for (const t of list) validateTag(t, "Pipeline.tag()");
    return new Pipeline(this.#nodes.map((n) => n.withChanges({ tags: list })));
  }

  /** A readable summary: free inputs, nodes in execution order, free outputs. */
  describe(): string {
    const lines = [
      "#### Pipeline execution order ####",
      `Inputs: ${this.inputs().join(", ") || "(none)"}`,
      "",
    ];
    for (const n of this.#nodes) lines.push(n.name);
    lines.push("", `Outputs: ${this.outputs().join(", ") || "(none)"}`, "##################################");
    return lines.join("\n");
  }

  /** Nodes in order plus free inputs and outputs, as plain data. */
  toJSON(): { nodes: ReturnType<Node["toJSON"]>[]; inputs: string[]; outputs: string[] } {
    return { nodes: this.#nodes.map((n) => n.toJSON()), inputs: this.inputs(), outputs: this.outputs() };
  }

  get [Symbol.toStringTag](): string {
    return `Pipeline(${this.#nodes.length} nodes)`;
  }
}
