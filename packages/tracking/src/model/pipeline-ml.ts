import {
  type CopyMode,
  closestMatches,
  isParameter,
  Pipeline,
  type PipelineFilter,
  type PipelineLike,
  quoteList,
  stripTranscoding,
} from "kiln";
import { ModelError } from "./model-error.js";
import { checkAlias, checkModelName } from "./names.js";

/** Marks a {@link PipelineML} across copies of this package (a project's and the CLI's may differ). */
export const PIPELINE_ML: unique symbol = Symbol.for("kiln.PipelineML") as never;

const COPY_MODES: readonly CopyMode[] = ["assign", "copy", "deepcopy"];

/** When the registry moves an alias to a newly registered version. */
export interface ModelPromotion {
  /** The alias to set, e.g. `champion`. */
  alias: string;
  /**
   * A metric of the training run: the alias moves to the new version when its run's value beats the
   * run behind the version the alias points at now. Without one, the alias is set only while it
   * points nowhere (the first registered version gets it; later ones are promoted by hand).
   */
  metric?: string | null;
  /** Default true: a higher metric is better (r2); false for errors (mae). */
  greaterIsBetter?: boolean;
}

/** What {@link pipelineML} takes: the two pipelines, the input the model receives, and packaging options. */
export interface PipelineMLOptions {
  /** What `kiln run` runs: it must produce every input of `inference` except `inputName` and parameters. */
  training: Pipeline;
  /** What the packaged model runs on each prediction: exactly one free output. */
  inference: Pipeline;
  /** The inference input a prediction receives (a request's rows); the other inputs are artifacts. */
  inputName: string;
  /** Registers each packaged model as a new version of this model (overrides tracking.yml's `model.registered_model_name`). */
  registeredModelName?: string;
  /** Moves an alias to new versions (overrides tracking.yml's `model.promote`). */
  promote?: ModelPromotion;
  /**
   * How the packaged model hands data to its nodes on each prediction (kedro-mlflow's `copy_mode`):
   * one mode for every dataset, or one per dataset name. Default `assign` (no copy: inference nodes
   * must not change their inputs in place).
   */
  copyMode?: CopyMode | Readonly<Record<string, CopyMode>>;
  /** Rows of the input seen in training kept as the model's input example (default 5). */
  inputExampleRows?: number;
  /**
   * Rows of the input seen in training kept with the model as the reference `kiln monitor drift`
   * compares served data with (default 10,000, sampled when there are more; 0 keeps none).
   */
  referenceRows?: number;
}

/** The inference side of a pair and its options, checked. */
export interface InferenceSpec {
  inference: Pipeline;
  inputName: string;
  /** The inference pipeline's single output: what a prediction returns. */
  outputName: string;
  /** Inputs the training run makes and the model carries (fitted models, encoders, …), sorted. */
  artifacts: readonly string[];
  /** `params:…` (and `parameters`) inputs of the inference pipeline, sorted. */
  parameters: readonly string[];
  registeredModelName: string | undefined;
  promote: Required<ModelPromotion> | undefined;
  /** Copy mode by dataset name; datasets not named use `defaultCopyMode`. */
  copyModes: Readonly<Record<string, CopyMode>>;
  defaultCopyMode: CopyMode;
  inputExampleRows: number;
  referenceRows: number;
}

const CLI_FLAGS: Record<keyof PipelineFilter, string> = {
  tags: "--tags",
  fromNodes: "--from-nodes",
  toNodes: "--to-nodes",
  nodeNames: "--nodes",
  fromInputs: "--from-inputs",
  toOutputs: "--to-outputs",
  nodeNamespaces: "--namespaces",
};

/** A filter as the `kiln run` flags that ask for it. */
function describeFilter(criteria: PipelineFilter): string {
  return Object.entries(criteria)
    .filter(([, v]) => v !== undefined && [...(v as Iterable<string>)].length > 0)
    .map(([k, v]) => `${CLI_FLAGS[k as keyof PipelineFilter] ?? k} ${[...(v as Iterable<string>)].join(",")}`)
    .join(" ");
}

function badPair(message: string, hint: string): ModelError {
  return new ModelError("KILN_MODEL_BAD_PAIR", message, { hint });
}

function checkCopyModes(
  copyMode: PipelineMLOptions["copyMode"],
  inference: Pipeline,
): Pick<InferenceSpec, "copyModes" | "defaultCopyMode"> {
  if (copyMode === undefined) return { copyModes: {}, defaultCopyMode: "assign" };
  const badMode = (mode: unknown, where: string) =>
    badPair(
      `pipelineML(): copyMode${where} is ${JSON.stringify(mode)}, which is not a copy mode.`,
      `Use one of ${COPY_MODES.join(", ")} (one for every dataset, or { datasetName: mode }).`,
    );
  if (typeof copyMode === "string") {
    if (!COPY_MODES.includes(copyMode)) throw badMode(copyMode, "");
    return { copyModes: {}, defaultCopyMode: copyMode };
  }
  if (copyMode === null || typeof copyMode !== "object" || Array.isArray(copyMode))
    throw badMode(copyMode, "");
  const known = inference.datasets();
  for (const [name, mode] of Object.entries(copyMode)) {
    if (!known.includes(name)) {
      const near = closestMatches(name, known)[0];
      throw badPair(
        `pipelineML(): copyMode names "${name}", which is no dataset of the inference pipeline.`,
        near ? `Did you mean "${near}"?` : `Its datasets: ${quoteList(known)}.`,
      );
    }
    if (!COPY_MODES.includes(mode)) throw badMode(mode, `["${name}"]`);
  }
  return { copyModes: { ...copyMode }, defaultCopyMode: "assign" };
}

/** Checks the inference side alone (its output, its input name, its options) and describes it. */
function inferenceSpec(options: PipelineMLOptions): InferenceSpec {
  const { inference, inputName } = options;
  if (!(inference instanceof Pipeline)) {
    throw badPair("pipelineML(): `inference` must be a pipeline.", "Pass inference: pipeline([...nodes]).");
  }
  const outputs = inference.outputs();
  if (outputs.length !== 1) {
    throw new ModelError(
      "KILN_MODEL_INFERENCE_OUTPUTS",
      outputs.length === 0
        ? "pipelineML(): the inference pipeline has no free output; a prediction returns its one output."
        : `pipelineML(): the inference pipeline must have exactly one free output (what a prediction returns); it has ${outputs.length}: ${quoteList(outputs)}.`,
      {
        hint: "Make the last node return one dataset (a DataFrame of predictions), or have a final node combine the outputs into one.",
      },
    );
  }
  const inputs = inference.inputs();
  if (typeof inputName !== "string" || !inputs.includes(inputName) || isParameter(inputName)) {
    const candidates = inputs.filter((i) => !isParameter(i));
    const near = typeof inputName === "string" ? closestMatches(inputName, candidates)[0] : undefined;
    throw new ModelError(
      "KILN_MODEL_INPUT_NAME",
      `pipelineML(): inputName ${JSON.stringify(inputName)} is not an input of the inference pipeline${isParameter(String(inputName)) ? " (parameters cannot be the model's input)" : ""}.`,
      {
        hint: `${near ? `Did you mean "${near}"? ` : ""}inputName must be one of the inference pipeline's free inputs: ${quoteList(candidates) || "(it has none)"}.`,
      },
    );
  }
  const rows = options.inputExampleRows ?? 5;
  if (!Number.isInteger(rows) || rows < 1 || rows > 10_000) {
    throw badPair(
      `pipelineML(): inputExampleRows is ${JSON.stringify(rows)}.`,
      "Give a whole number of rows from 1 to 10000 (default 5).",
    );
  }
  const referenceRows = options.referenceRows ?? 10_000;
  if (!Number.isInteger(referenceRows) || referenceRows < 0 || referenceRows > 10_000_000) {
    throw badPair(
      `pipelineML(): referenceRows is ${JSON.stringify(referenceRows)}.`,
      "Give a whole number of rows from 0 (keep no reference) to 10000000 (default 10000).",
    );
  }
  const promote = options.promote;
  if (promote !== undefined && (promote === null || typeof promote !== "object")) {
    throw badPair(
      "pipelineML(): promote must be { alias, metric?, greaterIsBetter? }.",
      'e.g. promote: { alias: "champion", metric: "r2_score" }',
    );
  }
  return {
    inference,
    inputName,
    outputName: outputs[0]!,
    artifacts: inputs.filter((i) => i !== inputName && !isParameter(i)),
    parameters: inputs.filter(isParameter),
    registeredModelName:
      options.registeredModelName === undefined
        ? undefined
        : checkModelName(options.registeredModelName, "pipelineML(): registeredModelName"),
    promote: promote && {
      alias: checkAlias(promote.alias, "pipelineML(): promote.alias"),
      metric: promote.metric ?? null,
      greaterIsBetter: promote.greaterIsBetter ?? true,
    },
    ...checkCopyModes(options.copyMode, inference),
    inputExampleRows: rows,
    referenceRows,
  };
}

/** The artifacts `training` does not produce. */
function missingArtifacts(training: Pipeline, spec: InferenceSpec): string[] {
  const produced = new Set(training.allOutputs().map(stripTranscoding));
  return spec.artifacts.filter((a) => !produced.has(stripTranscoding(a)));
}

/**
 * A training pipeline bound to its inference pipeline (kedro-mlflow's PipelineML). It *is* the
 * training pipeline — register it, run it, filter it like any other — and after a successful
 * tracked run, @kiln/tracking packages its inference pipeline with what the run made as a model.
 * Make one with {@link pipelineML}.
 */
export class PipelineML extends Pipeline {
  readonly [PIPELINE_ML] = true;
  readonly #spec: InferenceSpec;
  #training: Pipeline | undefined;

  /** @internal Use {@link pipelineML}, which checks the pair. */
  constructor(training: PipelineLike, spec: InferenceSpec) {
    super(training);
    this.#spec = spec;
  }

  /** The inference pipeline, its input, output, artifacts and packaging options. */
  get spec(): InferenceSpec {
    return this.#spec;
  }

  get inference(): Pipeline {
    return this.#spec.inference;
  }

  get inputName(): string {
    return this.#spec.inputName;
  }

  get outputName(): string {
    return this.#spec.outputName;
  }

  /** The training nodes as a plain pipeline (slicing it gives plain pipelines: nothing is packaged). */
  get training(): Pipeline {
    this.#training ??= new Pipeline(this.nodes);
    return this.#training;
  }

  /**
   * The same pair over `training` when it still produces every artifact the inference reads;
   * otherwise the plain training pipeline, marked with why (a model packaged from that run would
   * carry artifacts another run made). The tracking hooks warn about it when such a run starts.
   * Exported steps and resume commands run pairs node by node, so this is not an error.
   */
  #derive(training: Pipeline, how: string): PipelineML | DemotedPair {
    const missing = missingArtifacts(training, this.#spec);
    if (missing.length === 0) return new PipelineML(training, this.#spec);
    const producers = missing
      .map((a) => this.datasetIndex.producer.get(stripTranscoding(a)))
      .filter((n) => n !== undefined)
      .map((n) => `"${n.name}"`);
    return new DemotedPair(
      training,
      `${how} leaves out ${producers.length === 1 ? "node" : "nodes"} ${producers.join(", ") || "(none)"} of the pair, so this run does not produce ${quoteList(missing)}, which its inference pipeline reads`,
    );
  }

  override filter(criteria: PipelineFilter): PipelineML | DemotedPair {
    return this.#derive(this.training.filter(criteria), `Filtering with ${describeFilter(criteria)}`);
  }

  override onlyNodes(...names: string[]): PipelineML | DemotedPair {
    return this.#derive(this.training.onlyNodes(...names), `onlyNodes(${names.join(", ")})`);
  }

  override onlyNodesWithTags(...tags: string[]): PipelineML | DemotedPair {
    return this.#derive(this.training.onlyNodesWithTags(...tags), `onlyNodesWithTags(${tags.join(", ")})`);
  }

  override onlyNodesWithNamespaces(...namespaces: string[]): PipelineML | DemotedPair {
    return this.#derive(
      this.training.onlyNodesWithNamespaces(...namespaces),
      `onlyNodesWithNamespaces(${namespaces.join(", ")})`,
    );
  }

  override fromNodes(...names: string[]): PipelineML | DemotedPair {
    return this.#derive(this.training.fromNodes(...names), `fromNodes(${names.join(", ")})`);
  }

  override toNodes(...names: string[]): PipelineML | DemotedPair {
    return this.#derive(this.training.toNodes(...names), `toNodes(${names.join(", ")})`);
  }

  override fromInputs(...datasets: string[]): PipelineML | DemotedPair {
    return this.#derive(this.training.fromInputs(...datasets), `fromInputs(${datasets.join(", ")})`);
  }

  override toOutputs(...datasets: string[]): PipelineML | DemotedPair {
    return this.#derive(this.training.toOutputs(...datasets), `toOutputs(${datasets.join(", ")})`);
  }

  /** The pair with more training nodes (`--pipelines pair,other` runs this). */
  override add(other: PipelineLike): PipelineML | DemotedPair {
    return this.#derive(this.training.add(other), "add()");
  }

  override difference(other: PipelineLike): PipelineML | DemotedPair {
    return this.#derive(this.training.difference(other), "difference()");
  }

  override intersection(other: PipelineLike): PipelineML | DemotedPair {
    return this.#derive(this.training.intersection(other), "intersection()");
  }

  override tag(tags: string | Iterable<string>): PipelineML {
    return new PipelineML(this.training.tag(tags), this.#spec);
  }

  override get [Symbol.toStringTag](): string {
    return `PipelineML(${this.nodes.length} training nodes, inference ${this.inference.nodes.length} → ${this.outputName})`;
  }
}

/** Marks a {@link DemotedPair} across copies of this package. */
const DEMOTED_PAIR: unique symbol = Symbol.for("kiln.PipelineML.demoted") as never;

/**
 * What a filter that breaks a pair gives (kedro-mlflow demotes such a pair the same way): the
 * filtered training nodes as a plain pipeline, which runs but packages nothing, and why.
 */
export class DemotedPair extends Pipeline {
  readonly [DEMOTED_PAIR]: string;

  /** @internal Made by {@link PipelineML}'s filters. */
  constructor(training: PipelineLike, reason: string) {
    super(training);
    this[DEMOTED_PAIR] = reason;
  }

  /** Why the run packages no model, e.g. `Filtering with --nodes fit leaves out node "prepare" …`. */
  get notPackagedBecause(): string {
    return this[DEMOTED_PAIR];
  }
}

/** Why a run of `value` packages no model when it is a pair cut by a filter (any copy of this package). */
export function demotedPairReason(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const reason = (value as { [DEMOTED_PAIR]?: unknown })[DEMOTED_PAIR];
  return typeof reason === "string" ? reason : undefined;
}

/** True for a {@link PipelineML} made by any copy of this package. */
export function isPipelineML(value: unknown): value is PipelineML {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as { [PIPELINE_ML]?: unknown })[PIPELINE_ML] === true
  );
}

/**
 * Binds a training pipeline to its inference pipeline (Kedro users know it as `pipeline_ml_factory`).
 * Checked now: the inference pipeline has exactly one free output; `inputName` is one of its inputs;
 * every other input is a parameter or produced by `training`. That those artifacts are persisted
 * (not memory datasets) can only be checked against the catalog, when a run starts.
 * @throws ModelError `KILN_MODEL_INFERENCE_OUTPUTS`, `KILN_MODEL_INPUT_NAME`, `KILN_MODEL_FREE_INFERENCE_INPUT`, `KILN_MODEL_BAD_PAIR`, `KILN_MODEL_BAD_NAME`, `KILN_MODEL_BAD_ALIAS`.
 * @example
 * export function registerPipelines() {
 *   const training = dataProcessing.add(dataScience);
 *   return { __default__: pipelineML({ training, inference, inputName: "features", registeredModelName: "price" }) };
 * }
 */
export function pipelineML(options: PipelineMLOptions): PipelineML {
  if (options === null || typeof options !== "object") {
    throw badPair(
      "pipelineML() takes one options object.",
      'pipelineML({ training, inference, inputName: "features" })',
    );
  }
  if (!(options.training instanceof Pipeline)) {
    throw badPair("pipelineML(): `training` must be a pipeline.", "Pass training: pipeline([...nodes]).");
  }
  const spec = inferenceSpec(options);
  const missing = missingArtifacts(options.training, spec);
  if (missing.length > 0) {
    throw new ModelError(
      "KILN_MODEL_FREE_INFERENCE_INPUT",
      `pipelineML(): the inference pipeline reads ${quoteList(missing)}, which the training pipeline does not produce (its only input from outside is inputName "${spec.inputName}", plus parameters).`,
      {
        hint: "Add the nodes that make them to `training`, so each run fits them and the model carries them; data a prediction receives must come through inputName.",
      },
    );
  }
  return new PipelineML(options.training, spec);
}

/** kedro-mlflow's name for {@link pipelineML}. */
export const pipelineMlFactory = pipelineML;
