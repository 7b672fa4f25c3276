// Packaging a training/inference pair after its training run: the model folder (docs/models.md) is
// written to a temporary folder, tried (it must predict its own input example), logged as the run's
// artifact `model`, recorded, and registered when a model name is configured.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import {
  type ConfigDocument,
  type DataCatalog,
  joinPath,
  type KilnContext,
  quoteList,
  registryFile,
} from "kiln";
import type { ModelConfig } from "../../config/tracking-config.js";
import type { RunTracker } from "../../run/run-tracker.js";
import type { TrackingStore } from "../../store/types.js";
import type { MLmodelFile, ModelSignature } from "../mlmodel-types.js";
import { importModelCode } from "../model-code.js";
import { ModelError } from "../model-error.js";
import type { PipelineML } from "../pipeline-ml.js";
import { ARTIFACTS_CATALOG, ARTIFACTS_PARAMETERS } from "../runtime.js";
import { bundleInference } from "./bundle-inference.js";
import { splitFrame } from "./input-example.js";
import { formatMLmodel, mlflowTime, signatureForFile } from "./mlmodel-file.js";
import { collectArtifacts } from "./model-artifacts.js";
import { environmentFiles } from "./model-environment.js";
import { type FrameLike, inferColumns, inferParams, isFrame } from "./signature.js";

/** The artifact path of a packaged model inside its run (`runs:/RUN/model`). */
export const MODEL_ARTIFACT_PATH = "model";
export const MODEL_CODE = "code/inference.mjs";
export const INPUT_EXAMPLE = "input_example.json";
/** The sample of training input kept for drift monitoring. */
export const REFERENCE_DATA = "reference_data.parquet";

/** What packaging needs from the run. */
export interface PackageModelOptions {
  pair: PipelineML;
  /** The registered pipeline name(s) the run was started with. */
  pipelineName: string;
  /** The run's catalog (the runner's copy). */
  catalog: DataCatalog;
  context: KilnContext;
  tracker: RunTracker;
  store: TrackingStore;
  modelConfig: ModelConfig;
  /** The inference input as the training run saw it (a DataFrame's first rows), if it did. */
  inputSample: unknown;
  /** Rows of the input `inputSample` was cut from, when it was cut. */
  inputSourceRows?: number;
  userId: string | null;
}

/** What was packaged and where. */
export interface PackagedModel {
  /** `runs:/RUN/model`. */
  uri: string;
  /** The model folder among the run's artifacts. */
  source: string;
  modelUuid: string;
  signature: ModelSignature;
  registered?: { name: string; version: number; alias?: { name: string; moved: boolean; reason: string } };
}

async function filesUnder(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(root, path)));
    else out.push(relative(root, path).split(sep).join("/"));
  }
  return out.sort();
}

async function put(folder: string, path: string, content: Uint8Array | string): Promise<void> {
  await mkdir(dirname(join(folder, path)), { recursive: true });
  await writeFile(join(folder, path), content);
}

function projectVersion(manifest: string): string {
  try {
    return String((JSON.parse(manifest) as { version?: string }).version ?? "0.0.0");
  } catch {
    return "0.0.0";
  }
}

/** Kiln's version, as the project has it installed. */
async function kilnVersionOf(context: KilnContext): Promise<string> {
  try {
    const file = createRequire(join(context.project.root, "package.json")).resolve("kiln/package.json");
    return String((JSON.parse(await readFile(file, "utf8")) as { version?: string }).version);
  } catch {
    return context.project.kilnVersion ?? "unknown";
  }
}

/**
 * Whether the parameter at `path` was written with a decimal point or exponent in its YAML file
 * (`scale: 1.0`): JavaScript reads it as the number 1, but the model's signature should say double.
 */
function writtenAsFloat(doc: ConfigDocument): (path: readonly string[]) => boolean {
  const lines = new Map<string, string[]>();
  return (path) => {
    const at = doc.locate(path);
    if (!at) return false;
    let text = lines.get(at.file);
    if (!text) {
      try {
        text = readFileSync(at.file, "utf8").split(/\r?\n/);
      } catch {
        text = [];
      }
      lines.set(at.file, text);
    }
    const token = /^[^\s,#\]}]+/.exec(text[at.line - 1]?.slice(at.column - 1) ?? "")?.[0] ?? "";
    return /^[-+]?(\d[\d_]*)?\.\d*([eE][-+]?\d+)?$|^[-+]?\d+[eE][-+]?\d+$/.test(token);
  };
}

/**
 * Writes, tries, logs, records and registers the model of a successful training run.
 * @throws ModelError when an artifact cannot be carried, the code cannot be bundled, or the packaged
 * model fails on its own input example (`KILN_MODEL_VERIFY_FAILED`).
 */
export async function packageModel(options: PackageModelOptions): Promise<PackagedModel> {
  const { pair, catalog, context, tracker, store } = options;
  const spec = pair.spec;
  const logger = context.logger;
  const root = context.project.root;
  const folder = await mkdtemp(join(tmpdir(), "kiln-model-"));
  try {
    // Artifacts and parameters, as this run saved and used them.
    const catalogConfig = (await context.configLoader.load("catalog")).value as Record<string, unknown>;
    // Versions other processes of the run saved (a distributed run's workers), from its lineage.
    const savedVersions = new Map(
      ((await store.getRun(tracker.runId))?.lineage ?? [])
        .filter((l) => l.direction === "output" && l.version !== null)
        .map((l) => [l.dataset, l.version!] as const),
    );
    const artifacts = await collectArtifacts({
      names: spec.artifacts,
      catalog,
      catalogConfig,
      projectRoot: root,
      savedVersions,
    });
    for (const file of artifacts.files) await put(folder, file.path, file.bytes);
    await put(folder, ARTIFACTS_CATALOG, `${JSON.stringify(artifacts.catalog, null, 2)}\n`);
    const parameters: Record<string, unknown> = {};
    for (const name of spec.parameters) parameters[name] = await catalog.load(name);
    await put(folder, ARTIFACTS_PARAMETERS, `${JSON.stringify(parameters, null, 2)}\n`);

    // The code, one module.
    const bundle = await bundleInference({
      projectRoot: root,
      sourceDir: context.project.sourceDir,
      registryFile: registryFile(context.project),
      inference: {
        nodes: pair.inference.nodes.map((n) => n.name),
        inputName: spec.inputName,
        outputName: spec.outputName,
        copyModes: spec.copyModes,
        defaultCopyMode: spec.defaultCopyMode,
      },
      datasetTypes: artifacts.datasetTypes,
      outFile: join(folder, MODEL_CODE),
    });
    const manifest = await readFile(join(root, "package.json"), "utf8");
    const environment = environmentFiles({
      projectRoot: root,
      projectName: context.project.name,
      projectVersion: projectVersion(manifest),
      externals: bundle.externals,
    });
    for (const [path, text] of Object.entries(environment)) await put(folder, path, text);

    // The signature: inputs from what training saw, outputs from the packaged model's own answer.
    const persisted =
      options.inputSample === undefined
        ? await persistedInput(catalog, spec.inputName, Math.max(spec.referenceRows, spec.inputExampleRows))
        : undefined;
    const sample = options.inputSample ?? persisted?.sample;
    const sourceRows = options.inputSourceRows ?? persisted?.sourceRows;
    const example = isFrame(sample) ? (sample as FrameLike).head(spec.inputExampleRows) : undefined;
    const inputs = sample === undefined ? undefined : inferColumns(sample);
    if (sample === undefined)
      logger.warn(
        `The training run never loaded or saved "${spec.inputName}" (the model's input) in this process: the model has no input signature, example or drift reference. With --runner distributed its nodes ran on workers: declare it in the catalog as a file dataset and the model takes it from there.`,
      );
    else if (inputs?.columns === null)
      logger.warn(`The model has no input signature: "${spec.inputName}" holds ${inputs.problem}.`);
    let outputs: ReturnType<typeof inferColumns> | undefined;
    if (example) {
      let output: unknown;
      try {
        const code = await importModelCode(folder, MODEL_CODE, { resolveFrom: join(root, "package.json") });
        const predictor = await code.createPredictor({ modelPath: folder });
        output = await predictor.predict(example);
      } catch (error) {
        throw new ModelError(
          "KILN_MODEL_VERIFY_FAILED",
          `The packaged model failed on its own input example (the first ${example.height} rows of "${spec.inputName}"): ${(error as Error).message}`,
          {
            cause: error,
            hint: "The inference pipeline must run on the rows training saw. Run it on them in a test (pipelineML's inference with the fitted artifacts) to see why.",
          },
        );
      }
      outputs = inferColumns(output);
      if (outputs.columns === null)
        logger.warn(`The model has no output signature: its prediction is ${outputs.problem}.`);
      await put(folder, INPUT_EXAMPLE, `${JSON.stringify(splitFrame(example, spec.inputExampleRows))}\n`);
    }
    const reference = example ? referenceSample(sample, spec.referenceRows, sourceRows) : undefined;
    if (reference) await put(folder, REFERENCE_DATA, reference.bytes);
    const params = inferParams(parameters, writtenAsFloat(context.parameters));
    if (params.skipped.length > 0)
      logger.info(
        `Parameters ${quoteList(params.skipped)} of the model cannot be overridden per request (not a scalar or a list of scalars).`,
      );
    const signature: ModelSignature = {
      inputs: inputs?.columns ?? null,
      outputs: outputs?.columns ?? null,
      params: params.params.length > 0 ? params.params : null,
    };

    const modelUuid = randomUUID().replaceAll("-", "");
    const mlmodel: MLmodelFile = {
      artifact_path: MODEL_ARTIFACT_PATH,
      flavors: {
        kiln: {
          kiln_version: await kilnVersionOf(context),
          code: MODEL_CODE,
          input_name: spec.inputName,
          output_name: spec.outputName,
          node_version: process.version,
          ...(reference
            ? {
                reference_data: REFERENCE_DATA,
                reference_rows: reference.rows,
                reference_source_rows: reference.sourceRows,
              }
            : {}),
        },
      },
      model_uuid: modelUuid,
      run_id: tracker.runId,
      utc_time_created: mlflowTime(new Date()),
      ...(signature.inputs || signature.outputs ? { signature: signatureForFile(signature) } : {}),
      ...(example
        ? {
            saved_input_example_info: {
              artifact_path: INPUT_EXAMPLE,
              type: "dataframe" as const,
              pandas_orient: "split" as const,
            },
          }
        : {}),
    };
    await put(folder, "MLmodel", formatMLmodel(mlmodel));

    // Logged with the run, recorded, registered.
    const files = await Promise.all(
      (await filesUnder(folder)).map(async (path) => ({
        path: `${MODEL_ARTIFACT_PATH}/${path}`,
        bytes: new Uint8Array(await readFile(join(folder, path))),
      })),
    );
    await tracker.logArtifacts(MODEL_ARTIFACT_PATH, files);
    const source = joinPath(tracker.artifactUri, MODEL_ARTIFACT_PATH);
    await store.logModel({
      runId: tracker.runId,
      artifactPath: MODEL_ARTIFACT_PATH,
      modelUuid,
      source,
      inputName: spec.inputName,
      outputName: spec.outputName,
      loggedAt: Date.now(),
    });
    const uri = `runs:/${tracker.runId}/${MODEL_ARTIFACT_PATH}`;
    const size = files.reduce((sum, f) => sum + f.bytes.byteLength, 0);
    logger.info(
      `Packaged the inference pipeline as ${uri}: ${files.length} files, ${(size / 1024).toFixed(0)} KiB (${spec.artifacts.length} artifacts; code ${(bundle.bytes / 1024).toFixed(0)} KiB).`,
      { event: "model_logged", uri, modelUuid },
    );
    const packaged: PackagedModel = { uri, source, modelUuid, signature };

    const name = spec.registeredModelName ?? options.modelConfig.registeredModelName;
    if (name !== null && name !== undefined) {
      const version = await store.registerModelVersion({
        name,
        source,
        runId: tracker.runId,
        userId: options.userId,
        modelUuid,
        tags: [["kiln.pipeline", options.pipelineName]],
      });
      packaged.registered = { name, version: version.version };
      logger.info(`Registered the model as models:/${name}/${version.version}.`, {
        event: "model_registered",
        name,
        version: version.version,
      });
      const promote = spec.promote ?? options.modelConfig.promote;
      if (promote) {
        const result = await store.promoteAlias(name, promote.alias, version.version, {
          metric: promote.metric ?? null,
          greaterIsBetter: promote.greaterIsBetter ?? true,
        });
        packaged.registered.alias = { name: promote.alias, moved: result.moved, reason: result.reason };
        logger.info(
          result.moved
            ? `Alias ${promote.alias} now points at version ${version.version} (${result.reason}): models:/${name}@${promote.alias}.`
            : `Alias ${promote.alias} stays on version ${result.previous} (${result.reason}).`,
        );
      }
    }
    return packaged;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** A nodejs-polars DataFrame, as far as the reference sample needs it. */
interface SampleableFrame {
  height: number;
  sample(n: number, frac: null, withReplacement: boolean, seed: number): SampleableFrame;
  writeParquet(): Uint8Array;
}

/**
 * Up to `rows` rows of the training input as Parquet (a seeded sample when there are more, so the
 * same run keeps the same rows), or nothing when `rows` is 0 or the input is no Polars DataFrame.
 * `sourceRows`: the rows of the input the run saw, when `input` is already a cut of it.
 */
function referenceSample(
  input: unknown,
  rows: number,
  sourceRows?: number,
): { bytes: Uint8Array; rows: number; sourceRows: number } | undefined {
  const frame = input as Partial<SampleableFrame>;
  if (rows === 0 || typeof frame?.writeParquet !== "function" || typeof frame.sample !== "function")
    return undefined;
  const whole = frame as SampleableFrame;
  const kept = whole.height > rows ? whole.sample(rows, null, false, 0) : whole;
  return { bytes: kept.writeParquet(), rows: kept.height, sourceRows: sourceRows ?? whole.height };
}

/**
 * The model's input as the catalog holds it, cut as the tracking hooks cut what they see (a seeded
 * sample of `keep` rows when it has more), for when this process never saw it (a distributed run's
 * nodes ran on workers) and it is persisted; undefined for memory data.
 */
async function persistedInput(
  catalog: DataCatalog,
  name: string,
  keep: number,
): Promise<{ sample: unknown; sourceRows?: number } | undefined> {
  if (!catalog.has(name) || catalog.get(name).ephemeral === true) return undefined;
  let data: unknown;
  try {
    data = await catalog.load(name);
  } catch {
    return undefined;
  }
  const frame = data as Partial<SampleableFrame> | null;
  if (typeof frame?.height !== "number" || typeof frame.sample !== "function") return { sample: data };
  const sample = frame.height > keep ? (frame as SampleableFrame).sample(keep, null, false, 0) : frame;
  return { sample, sourceRows: frame.height };
}
