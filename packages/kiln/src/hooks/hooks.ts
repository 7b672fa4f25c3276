import type { DataCatalog, MaybePromise } from "../catalog/index.js";
import type { Node, Pipeline } from "../pipeline/index.js";

/** What a run was asked to do, as hooks and the session record see it. */
export interface RunParams {
  runId: string;
  /** The runner's name: `SequentialRunner`, `ConcurrentRunner`, `ParallelRunner`, … */
  runner: string;
  pipelineName?: string;
  /** The project folder (Kedro's `project_path`) and the config environment, when a session runs. */
  projectPath?: string;
  env?: string;
  /** The run's `--params` overrides, nested (Kedro's `extra_params`), when a session runs. */
  runtimeParams?: Record<string, unknown>;
  /** `--conf-source` as given, when a session runs with one. */
  confSource?: string;
  /** Anything else the caller records (CLI options, env, …). */
  [key: string]: unknown;
}

/** Arguments common to node hooks. */
export interface NodeHookContext {
  node: Node;
  catalog: DataCatalog;
  /** Input values by dataset name. */
  inputs: Readonly<Record<string, unknown>>;
  /** True when the runner loads and saves several datasets at once (ConcurrentRunner, ParallelRunner). */
  isAsync: boolean;
  runId: string;
}

/**
 * Arguments common to dataset hooks: Kedro's `dataset_name` and `node`, plus the run's id (not in
 * Kedro) so a plugin can tell apart runs that share a process.
 */
export interface DatasetHookContext {
  datasetName: string;
  node: Node;
  runId: string;
}

/** Arguments common to pipeline hooks. */
export interface PipelineHookContext {
  runParams: RunParams;
  pipeline: Pipeline;
  catalog: DataCatalog;
}

/**
 * Arguments of `afterCatalogCreated`: Kedro's `catalog`, `conf_catalog`, `conf_creds`, `feed_dict`,
 * `save_version` and `load_versions`, in camelCase, plus the nested `parameters`.
 */
export interface CatalogHookContext {
  catalog: DataCatalog;
  /** The catalog config for the run's environment (files merged, interpolations resolved). */
  confCatalog: Record<string, unknown>;
  /** The credentials config. It holds secrets: never log or record it. */
  confCreds: Record<string, unknown>;
  /** The parameters, nested, as the parameters files and runtime `--params` set them. */
  parameters: Record<string, unknown>;
  /** What the catalog was fed besides datasets (Kedro's `feed_dict`): `parameters` and every `params:a.b`. */
  feedDict: Record<string, unknown>;
  /** The version versioned datasets save under in this run. */
  saveVersion: string;
  /** Versions pinned for loading (`--load-versions`), by dataset name. */
  loadVersions: Record<string, string>;
  /** @deprecated The same object as `confCatalog`. */
  conf: Record<string, unknown>;
}

/**
 * Kiln's lifecycle hooks, Kedro's set with one context object each (adding a field never breaks a
 * plugin). Every method is optional and may be async; implementations run in registration order.
 */
export interface Hooks {
  afterContextCreated?(ctx: { context: unknown }): MaybePromise<void>;
  afterCatalogCreated?(ctx: CatalogHookContext): MaybePromise<void>;
  beforePipelineRun?(ctx: PipelineHookContext): MaybePromise<void>;
  afterPipelineRun?(ctx: PipelineHookContext & { runResult: Record<string, unknown> }): MaybePromise<void>;
  onPipelineError?(ctx: PipelineHookContext & { error: Error }): MaybePromise<void>;
  /**
   * This process is about to run some nodes of a run that started in another process (a
   * `kiln worker` taking a job of a distributed run): `runParams` are the run's (its `runId`),
   * `pipeline` holds the nodes run here, `catalog` is this process's copy. Not a new run:
   * `beforePipelineRun` was called where the run started. Node and dataset hooks follow here.
   */
  beforeRunPart?(ctx: PipelineHookContext): MaybePromise<void>;
  /** Those nodes are done here (`error` when one failed); the run goes on where it started. */
  afterRunPart?(ctx: PipelineHookContext & { error?: Error }): MaybePromise<void>;
  /** May return replacement values for some inputs (dataset name → value). */
  // biome-ignore lint/suspicious/noConfusingVoidType: lets hooks that return nothing type-check
  beforeNodeRun?(ctx: NodeHookContext): MaybePromise<Record<string, unknown> | undefined | void>;
  afterNodeRun?(ctx: NodeHookContext & { outputs: Readonly<Record<string, unknown>> }): MaybePromise<void>;
  onNodeError?(ctx: NodeHookContext & { error: Error }): MaybePromise<void>;
  beforeDatasetLoaded?(ctx: DatasetHookContext): MaybePromise<void>;
  afterDatasetLoaded?(ctx: DatasetHookContext & { data: unknown }): MaybePromise<void>;
  beforeDatasetSaved?(ctx: DatasetHookContext & { data: unknown }): MaybePromise<void>;
  afterDatasetSaved?(ctx: DatasetHookContext & { data: unknown }): MaybePromise<void>;
}

/** The name of a lifecycle hook. */
export type HookName = keyof Hooks;

/** The context object a hook receives. */
export type HookContext<K extends HookName> = Parameters<NonNullable<Hooks[K]>>[0];

/**
 * An extension: hooks now; dataset types, config patterns and CLI commands are read by the
 * session and CLI layers.
 */
export interface Plugin {
  name: string;
  hooks?: Hooks;
  /** Dataset types by short name (`type:` in catalog.yml). */
  datasets?: Record<string, unknown>;
  /**
   * Config keys this plugin reads, with the globs that find their files in each environment folder
   * (e.g. `{ tracking: ["tracking*", "tracking*\/**"] }`): base and the run environment are merged
   * like any config, and the plugin gets them with `context.configLoader.load("tracking")`. Keys
   * Kiln reads itself (`catalog`, `parameters`, …) are refused; the project's settings may
   * override a plugin's patterns.
   */
  configPatterns?: Readonly<Record<string, readonly string[]>>;
  /** CLI commands this plugin adds: functions that receive the commander program and add to it. */
  commands?: unknown[];
  /**
   * Modules whose default export is a `ThreadCodec`: how values structured clone cannot copy (e.g. a
   * Polars DataFrame) cross between ParallelRunner's threads. Give URLs both threads can import,
   * e.g. `new URL("./thread-codec.js", import.meta.url).href`; the main thread and every worker
   * import them.
   */
  threadCodecs?: readonly string[];
  /**
   * Runners this plugin adds, by the name `kiln run --runner NAME` takes: each a function that makes
   * the runner from the session's `RunnerFactoryOptions` (see `createRunner`). A plugin runner may
   * not take a built-in runner's name.
   */
  runners?: Record<string, unknown>;
}

export const HOOK_NAMES: readonly HookName[] = [
  "afterContextCreated",
  "afterCatalogCreated",
  "beforePipelineRun",
  "afterPipelineRun",
  "onPipelineError",
  "beforeRunPart",
  "afterRunPart",
  "beforeNodeRun",
  "afterNodeRun",
  "onNodeError",
  "beforeDatasetLoaded",
  "afterDatasetLoaded",
  "beforeDatasetSaved",
  "afterDatasetSaved",
];
