import { isAbsolute, relative } from "node:path";
import {
  type DataCatalog,
  type Dataset,
  type Hooks,
  hasProtocol,
  type KilnContext,
  type Logger,
  type Node,
  type RunParams,
} from "kiln";
import { ArtifactStore } from "./artifacts/artifact-store.js";
import type { ModelConfig } from "./config/tracking-config.js";
import { loadTrackingSettings } from "./config/tracking-settings.js";
import { BIND_RUN, isRunBound } from "./datasets/run-binding.js";
import { checkPairCatalog } from "./model/check-pair-catalog.js";
import { demotedPairReason, isPipelineML, type PipelineML } from "./model/pipeline-ml.js";
import { currentUser, runTags } from "./run/run-tags.js";
import { RunTracker } from "./run/run-tracker.js";
import { openStore } from "./store/open-store.js";
import type { LineageRecord } from "./store/types.js";

/** One tracked run in this process: its tracker, its catalog, and the outputs each node has yet to save. */
interface ActiveRun {
  tracker: RunTracker;
  catalog: DataCatalog;
  projectRoot: string;
  logger: Logger;
  outputsLeft: Map<string, number>;
  /** Set when the run is a training/inference pair's: what packaging needs. */
  model?: {
    pair: PipelineML;
    context: KilnContext;
    config: ModelConfig;
    /** The inference input as training first saw it (a DataFrame cut to the example's rows). */
    sample?: unknown;
    /** Rows of the input the sample was cut from (a frame's height). */
    sampleSourceRows?: number;
  };
  /**
   * For a run that started in another process and whose nodes run here (`beforeRunPart`): how many
   * of its parts are running in this process. Undefined for a run started here.
   */
  parts?: number;
}

/**
 * Keeps the first value of the pair's input the run loads or saves: a frame cut to the rows the
 * input example and the drift reference need (a seeded sample when it has more), else the value.
 */
function captureSample(run: ActiveRun | undefined, datasetName: string, data: unknown): void {
  const model = run?.model;
  if (!model || model.sample !== undefined || datasetName !== model.pair.inputName) return;
  // A frame is cut now: the run may release or change it later.
  const frame = data as {
    head?: (n: number) => unknown;
    sample?: (n: number, frac: null, withReplacement: boolean, seed: number) => unknown;
    columns?: unknown;
    height?: unknown;
  } | null;
  if (
    frame === null ||
    typeof frame !== "object" ||
    typeof frame.head !== "function" ||
    !Array.isArray(frame.columns)
  ) {
    model.sample = data;
    return;
  }
  const keep = Math.max(model.pair.spec.inputExampleRows, model.pair.spec.referenceRows, 1);
  const height = typeof frame.height === "number" ? frame.height : undefined;
  model.sampleSourceRows = height;
  model.sample =
    height !== undefined && height > keep && typeof frame.sample === "function"
      ? frame.sample(keep, null, false, 0)
      : frame.head(keep);
}

const contextKey = (projectPath: unknown, env: unknown) => `${String(projectPath)}\u0000${String(env)}`;

/** What a file-backed dataset says about the version it read or wrote. */
interface Versioned {
  readonly lastSavedVersion?: string | undefined;
  readonly lastLoadedVersion?: string | undefined;
}

/** The run's name from `run.name` (placeholders filled), else the pipeline's name. */
export function runName(template: string | null, runParams: RunParams): string {
  const pipeline = String(runParams.pipelineName ?? "__default__");
  if (template === null) return pipeline;
  const values: Record<string, string> = {
    pipeline,
    env: String(runParams.env ?? ""),
    user: currentUser() ?? "",
    run_id: runParams.runId,
  };
  return template.replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);
}

/** True when every pipeline of the run (`a,b` for several) is in `pipelines.skip`. */
export function isSkipped(skip: readonly string[], runParams: RunParams): boolean {
  const names = String(runParams.pipelineName ?? "__default__").split(",");
  return names.every((n) => skip.includes(n));
}

/** A path as lineage keeps it: relative to the project when inside it (as run records do), else as it is. */
function shownPath(projectRoot: string, path: string): string {
  if (hasProtocol(path)) return path;
  const inside = relative(projectRoot, path);
  return inside && !inside.startsWith("..") && !isAbsolute(inside) ? inside : path;
}

function lineageOf(
  run: ActiveRun,
  node: Node,
  dataset: string,
  direction: "input" | "output",
): LineageRecord {
  const { catalog } = run;
  let described: Record<string, unknown> = {};
  let ds: (Dataset & Versioned) | undefined;
  try {
    ds = catalog.get(dataset) as Dataset & Versioned;
    described = ds.describe();
  } catch {
    // A dataset that cannot describe itself is still an edge of the lineage.
  }
  const location = described.filepath ?? described.path ?? described.table_name ?? null;
  const pinned = described.version as { load?: string; save?: string } | undefined;
  const version =
    direction === "input"
      ? (ds?.lastLoadedVersion ?? pinned?.load ?? null)
      : (ds?.lastSavedVersion ?? pinned?.save ?? null);
  return {
    node: node.name,
    dataset,
    direction,
    datasetType: typeof described.type === "string" ? described.type : null,
    location: typeof location === "string" ? shownPath(run.projectRoot, location) : null,
    version: version ?? null,
  };
}

/**
 * The plugin's hooks. Sessions tell it their context (`afterContextCreated`); a run starts tracking
 * in `beforePipelineRun` (config read, store opened, run created, tracking datasets bound), records
 * nodes and lineage from the node and dataset hooks, and ends in `afterPipelineRun` or
 * `onPipelineError`. Runs are keyed by their id, so several in one process stay apart.
 */
export function createTrackingHooks(): Hooks {
  const contexts = new Map<string, KilnContext>();
  const runs = new Map<string, ActiveRun>();

  const bindAll = (catalog: DataCatalog, tracker: RunTracker | undefined, reason?: string) => {
    for (const name of catalog.list()) {
      const ds = catalog.get(name);
      if (isRunBound(ds)) ds[BIND_RUN]({ datasetName: name, tracker, ...(reason ? { reason } : {}) });
    }
  };

  const ended = async (runId: string, status: "FINISHED" | "FAILED", error?: unknown) => {
    const run = runs.get(runId);
    if (!run) return;
    runs.delete(runId);
    await run.tracker.finish(status, error);
  };

  return {
    afterContextCreated({ context }) {
      const c = context as KilnContext;
      contexts.set(contextKey(c.project.root, c.env), c);
    },

    async beforePipelineRun({ runParams, catalog, pipeline }) {
      const context = contexts.get(contextKey(runParams.projectPath, runParams.env));
      if (!context) {
        bindAll(catalog, undefined, "the run was not started by a Kiln session, which tracking needs");
        return;
      }
      const settings = await loadTrackingSettings(context);
      const { config } = settings;
      const logger = context.logger;
      const pair = isPipelineML(pipeline) ? pipeline : undefined;
      const demoted = demotedPairReason(pipeline);
      if (demoted) logger.warn(`No model will be packaged: ${demoted}. Run the pair whole to package one.`);
      const notPackaged = (why: string) => {
        if (pair) logger.info(`The training/inference pair's model will not be packaged: ${why}.`);
      };
      if (!config.enabled) {
        notPackaged("tracking is off (enabled: false in tracking.yml), and a model is logged with its run");
        return bindAll(catalog, undefined, "tracking is off (enabled: false in tracking.yml)");
      }
      if (isSkipped(config.pipelines.skip, runParams)) {
        logger.info(
          `Not tracking this run: pipeline ${String(runParams.pipelineName)} is in pipelines.skip (tracking.yml).`,
        );
        notPackaged("the run is not tracked");
        return bindAll(catalog, undefined, "its pipeline is in pipelines.skip (tracking.yml)");
      }
      if (pair) checkPairCatalog(pair, catalog, String(runParams.pipelineName ?? "__default__"));
      const store = await openStore(settings.store);
      let tracker: RunTracker;
      try {
        tracker = await RunTracker.start({
          store,
          artifacts: new ArtifactStore(settings.artifactRoot, settings.artifactCredentials),
          config,
          experimentName: settings.experimentName,
          runName: runName(config.run.name, runParams),
          sessionRunId: runParams.runId,
          parameters: context.parameters.value,
          tags: await runTags(runParams, context.project.root),
          userId: currentUser(),
          secrets: settings.secrets,
          logger,
        });
      } catch (error) {
        await store.close().catch(() => undefined);
        throw error;
      }
      runs.set(runParams.runId, {
        tracker,
        catalog,
        projectRoot: context.project.root,
        logger,
        outputsLeft: new Map(),
        ...(pair ? { model: { pair, context, config: config.model } } : {}),
      });
      bindAll(catalog, tracker);
      logger.info(
        `Tracking run ${tracker.runId} in ${store.display} (experiment "${settings.experimentName}").`,
        { event: "tracking_run_started", trackingRunId: tracker.runId },
      );
    },

    async beforeRunPart({ runParams, catalog }) {
      const here = runs.get(runParams.runId);
      if (here) {
        // The run was started in this process, or another of its parts runs here: share its tracker.
        if (here.parts !== undefined) here.parts++;
        bindAll(catalog, here.tracker);
        return;
      }
      const context = contexts.get(contextKey(runParams.projectPath, runParams.env));
      if (!context) {
        bindAll(catalog, undefined, "the run was not started by a Kiln session, which tracking needs");
        return;
      }
      const settings = await loadTrackingSettings(context);
      if (!settings.config.enabled)
        return bindAll(catalog, undefined, "tracking is off (enabled: false in tracking.yml)");
      if (isSkipped(settings.config.pipelines.skip, runParams))
        return bindAll(catalog, undefined, "its pipeline is in pipelines.skip (tracking.yml)");
      const store = await openStore(settings.store);
      const tracker = await RunTracker.attach({
        store,
        artifacts: new ArtifactStore(settings.artifactRoot, settings.artifactCredentials),
        config: settings.config,
        sessionRunId: runParams.runId,
        secrets: settings.secrets,
        logger: context.logger,
      }).catch(async (error: unknown) => {
        await store.close().catch(() => undefined);
        throw error;
      });
      if (!tracker) {
        await store.close();
        context.logger.warn(
          `Not tracking run ${runParams.runId}'s nodes here: ${store.display} has no such run (the process that started it tracks into another store?).`,
        );
        return bindAll(catalog, undefined, "its run is not in this process's tracking store");
      }
      runs.set(runParams.runId, {
        tracker,
        catalog,
        projectRoot: context.project.root,
        logger: context.logger,
        outputsLeft: new Map(),
        parts: 1,
      });
      bindAll(catalog, tracker);
    },

    async afterRunPart({ runParams }) {
      const run = runs.get(runParams.runId);
      if (run?.parts === undefined) return;
      run.parts--;
      if (run.parts > 0) return run.tracker.flush();
      runs.delete(runParams.runId);
      try {
        await run.tracker.flush();
      } finally {
        await run.tracker.options.store.close();
      }
    },

    beforeDatasetLoaded({ runId, node }) {
      runs.get(runId)?.tracker.nodeStarted(node.name);
    },

    afterDatasetLoaded({ runId, node, datasetName, data }) {
      const run = runs.get(runId);
      run?.tracker.recordLineage(lineageOf(run, node, datasetName, "input"));
      captureSample(run, datasetName, data);
    },

    beforeNodeRun({ runId, node }) {
      const run = runs.get(runId);
      if (!run) return;
      run.tracker.nodeStarted(node.name);
      run.outputsLeft.set(node.name, node.outputs.length);
    },

    onNodeError({ runId, node, error }) {
      runs.get(runId)?.tracker.nodeEnded(node.name, error);
    },

    afterNodeRun({ runId, node }) {
      if (node.outputs.length === 0) runs.get(runId)?.tracker.nodeEnded(node.name);
    },

    afterDatasetSaved({ runId, node, datasetName, data }) {
      const run = runs.get(runId);
      if (!run) return;
      captureSample(run, datasetName, data);
      run.tracker.recordLineage(lineageOf(run, node, datasetName, "output"));
      const left = (run.outputsLeft.get(node.name) ?? 1) - 1;
      run.outputsLeft.set(node.name, left);
      if (left === 0) run.tracker.nodeEnded(node.name); // its time covers load, run and save
    },

    async afterPipelineRun({ runParams, catalog }) {
      const run = runs.get(runParams.runId);
      if (run?.model) {
        try {
          // Loaded only when a pair has run: `kiln` commands that track nothing never pay for it.
          const { packageModel } = await import("./model/packaging/package-model.js");
          await packageModel({
            pair: run.model.pair,
            pipelineName: String(runParams.pipelineName ?? "__default__"),
            catalog,
            context: run.model.context,
            tracker: run.tracker,
            store: run.tracker.options.store,
            modelConfig: run.model.config,
            inputSample: run.model.sample,
            ...(run.model.sampleSourceRows === undefined
              ? {}
              : { inputSourceRows: run.model.sampleSourceRows }),
            userId: currentUser(),
          });
        } catch (error) {
          // The pair's run is only done when its model is: a model that cannot be packaged fails it.
          await ended(runParams.runId, "FAILED", error).catch(() => undefined);
          throw error;
        }
      }
      await ended(runParams.runId, "FINISHED");
    },

    async onPipelineError({ runParams, error }) {
      const logger = runs.get(runParams.runId)?.logger;
      // Recording the failure must not hide it: a store problem here is only a warning.
      await ended(runParams.runId, "FAILED", error).catch((e: unknown) =>
        logger?.warn(
          `Could not record the failed run ${runParams.runId} in the tracking store: ${(e as Error).message}`,
        ),
      );
    },
  };
}
