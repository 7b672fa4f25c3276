// What runs inside a packaged model: bundled into its `code/inference.mjs` with the project's code
// and Kiln's core, it rebuilds the inference pipeline, loads the artifacts of the model folder once,
// and runs the pipeline for each prediction. It imports nothing but Kiln's core, so the bundle
// carries all of it.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type CopyMode,
  createCatalog,
  createDefaultRegistry,
  createLogger,
  DataCatalog,
  type DatasetClass,
  KilnError,
  MemoryDataset,
  type Pipeline,
  SequentialRunner,
} from "kiln";

/** Where the artifacts' catalog and the parameters sit in a model folder. */
export const ARTIFACTS_CATALOG = "artifacts/catalog.json";
export const ARTIFACTS_PARAMETERS = "artifacts/parameters.json";

/** How the bundle recognises its pair, and how it hands data to nodes (the pair's copy modes). */
export interface PackagedInference {
  nodes: readonly string[];
  inputName: string;
  outputName: string;
  copyModes: Readonly<Record<string, CopyMode>>;
  defaultCopyMode: CopyMode;
}

/** What the bundle's entry passes to {@link createPredictorFor}. */
export interface PredictorOptions {
  /** The model folder (its `artifacts/` are loaded from there). */
  modelPath: string;
  registerPipelines: () => unknown;
  inference: PackagedInference;
  /** Catalog type names → classes, for artifact types Kiln's core does not have. */
  datasetTypes: Readonly<Record<string, unknown>>;
}

/** A ready model: `predict` runs the inference pipeline on one input. */
export interface Predictor {
  predict(input: unknown, params?: Readonly<Record<string, unknown>>): Promise<unknown>;
}

const PIPELINE_ML = Symbol.for("kiln.PipelineML");

function modelError(code: string, message: string, hint: string): KilnError {
  return new KilnError(code, message, { hint });
}

/** The registered pair whose inference pipeline has exactly the packaged nodes, input and output. */
function findInference(registered: unknown, spec: PackagedInference): Pipeline {
  const wanted = [...spec.nodes].sort().join("\n");
  for (const value of Object.values((registered ?? {}) as Record<string, unknown>)) {
    const pair = value as { [PIPELINE_ML]?: boolean; inference?: Pipeline; inputName?: string };
    if (pair?.[PIPELINE_ML] !== true || !pair.inference) continue;
    const names = pair.inference.nodes.map((n) => n.name).sort();
    if (names.join("\n") === wanted && pair.inputName === spec.inputName) return pair.inference;
  }
  throw modelError(
    "KILN_MODEL_BUNDLE_MISMATCH",
    `The model's code registers no training/inference pair whose inference pipeline has the nodes ${spec.nodes.join(", ")} and input "${spec.inputName}".`,
    "The bundle was built from the project's registerPipelines(); it must return the pair the model was packaged from. Package the model again (kiln run).",
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** `value` with `path` set to `replacement` (copies along the way; the original is untouched). */
function setPath(value: unknown, path: readonly string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string, ...string[]];
  const base = isRecord(value) ? value : {};
  return { ...base, [head]: setPath(base[head], rest, replacement) };
}

/**
 * The parameter datasets' values with `overrides` applied: `model_options.test_size` sets that leaf in
 * `params:model_options` (and in `parameters`, `params:model_options.test_size`, … when read too).
 */
export function applyOverrides(
  values: Readonly<Record<string, unknown>>,
  overrides: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const [name, override] of Object.entries(overrides)) {
    for (const dataset of Object.keys(out)) {
      const prefix = dataset === "parameters" ? "" : dataset.slice("params:".length);
      if (prefix === name) out[dataset] = override;
      else if (prefix === "") out[dataset] = setPath(out[dataset], name.split("."), override);
      else if (name.startsWith(`${prefix}.`))
        out[dataset] = setPath(out[dataset], name.slice(prefix.length + 1).split("."), override);
    }
  }
  return out;
}

async function readJson(modelPath: string, file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(join(modelPath, file), "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw modelError(
      "KILN_MODEL_BAD_FOLDER",
      `The model folder ${modelPath} has no readable ${file}: ${(error as Error).message}`,
      "A model folder is written whole by packaging: copy all of it (MLmodel, code/, artifacts/).",
    );
  }
}

/** Builds the inference pipeline and loads the artifacts once; each `predict` is then one run. */
export async function createPredictorFor(options: PredictorOptions): Promise<Predictor> {
  const spec = options.inference;
  const inference = findInference(await options.registerPipelines(), spec);
  const registry = createDefaultRegistry();
  for (const [name, type] of Object.entries(options.datasetTypes))
    if (registry.canonical(name) === undefined) registry.register(name, type as DatasetClass);
  const silent = createLogger({ level: "silent" });
  const entries = await readJson(options.modelPath, ARTIFACTS_CATALOG);
  const parameters = await readJson(options.modelPath, ARTIFACTS_PARAMETERS);
  const packaged = await createCatalog({
    catalog: entries,
    registry,
    projectPath: options.modelPath,
    logger: silent,
  });
  const artifacts = new Map<string, unknown>();
  for (const name of Object.keys(entries)) artifacts.set(name, await packaged.load(name));
  const mode = (name: string) => spec.copyModes[name] ?? spec.defaultCopyMode;
  const runner = new SequentialRunner({ logger: silent });

  return {
    async predict(input, params = {}) {
      const catalog = new DataCatalog();
      catalog.add(spec.inputName, new MemoryDataset(input, { copyMode: mode(spec.inputName) }));
      for (const [name, value] of artifacts)
        catalog.add(name, new MemoryDataset(value, { copyMode: mode(name) }));
      // Parameters are copied per prediction: a node that changes one cannot change the next request's.
      for (const [name, value] of Object.entries(applyOverrides(parameters, params)))
        catalog.add(name, new MemoryDataset(value, { copyMode: spec.copyModes[name] ?? "deepcopy" }));
      const result = await runner.run(inference, catalog);
      return result[spec.outputName];
    },
  };
}
