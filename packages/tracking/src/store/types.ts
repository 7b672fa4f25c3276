/** A run's state, as MLflow names them. */
export type RunStatus = "RUNNING" | "FINISHED" | "FAILED" | "KILLED";

/** A named group of runs (by default one per project). */
export interface Experiment {
  experimentId: string;
  name: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** One value of a metric at one step. */
export interface MetricPoint {
  key: string;
  /** NaN and ±Infinity are kept. */
  value: number;
  step: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** What a run starts with. */
export interface NewRun {
  /** The id asked for (the session's run id); another is used when it is taken, see {@link TrackingStore.createRun}. */
  runId: string;
  experimentId: string;
  runName: string;
  startTime: number;
  /** Where the run's artifacts go (a folder or `s3://…`); `{run_id}` is replaced by the id used. */
  artifactUri: string;
  userId: string | null;
  params: ReadonlyArray<readonly [string, string]>;
  tags: ReadonlyArray<readonly [string, string]>;
}

/** One node of a run: how it ended and how long it took (load, run and save). */
export interface NodeRecord {
  name: string;
  status: "success" | "failed" | "running";
  startTime: number;
  endTime: number | null;
  durationMs: number | null;
  error: string | null;
}

/** A dataset a node read (`input`) or wrote (`output`), and which version. */
export interface LineageRecord {
  node: string;
  dataset: string;
  direction: "input" | "output";
  /** The dataset's type (`JSONDataset`, `MemoryDataset`, …). */
  datasetType: string | null;
  /** Its file path, folder or table; null for data in memory. */
  location: string | null;
  /** The version read or written, for versioned datasets. */
  version: string | null;
}

/** A file logged with a run, relative to the run's artifact folder. */
export interface ArtifactRecord {
  path: string;
  size: number;
  /** The dataset that logged it. */
  dataset: string | null;
  loggedAt: number;
}

/** One log line of a run. */
export interface LogLine {
  time: number;
  level: string;
  message: string;
}

/** How a run ended, with what is written at its end. */
export interface RunEnd {
  status: Exclude<RunStatus, "RUNNING">;
  endTime: number;
  errorCode: string | null;
  errorMessage: string | null;
  nodes: readonly NodeRecord[];
  lineage: readonly LineageRecord[];
  logs: readonly LogLine[];
}

/** A run's own fields. */
export interface RunInfo {
  runId: string;
  experimentId: string;
  experimentName: string;
  runName: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  artifactUri: string;
  userId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

/** A run with its parameters, tags and latest metric values: what searches see. */
export interface RunSummary extends RunInfo {
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Each metric's latest value (highest step, then latest time). */
  metrics: Record<string, number>;
}

/** Everything recorded about a run. */
export interface RunDetails extends RunSummary {
  /** Every point of every metric, by key, in step order. */
  metricHistory: Record<string, MetricPoint[]>;
  nodes: NodeRecord[];
  lineage: LineageRecord[];
  artifacts: ArtifactRecord[];
  logs: LogLine[];
}

/** A model version's state, as MLflow names them (Kiln registers a version once its files are written: READY). */
export type ModelVersionStatus = "READY" | "PENDING_REGISTRATION" | "FAILED_REGISTRATION";

/** A named model in the registry, with its aliases and tags. */
export interface RegisteredModel {
  name: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
  description: string | null;
  tags: Record<string, string>;
  /** Alias → the version it points at. */
  aliases: Record<string, number>;
  /** The highest version number, or null before the first version. */
  latestVersion: number | null;
}

/** One version of a registered model: a model folder some run logged. */
export interface ModelVersion {
  name: string;
  /** 1, 2, 3, … per model. */
  version: number;
  createdAt: number;
  updatedAt: number;
  /** The run that logged the model (null once that run is gone). */
  runId: string | null;
  /** The model folder: a local path or `s3://…` (the run's artifact folder + `/model`). */
  source: string;
  status: ModelVersionStatus;
  statusMessage: string | null;
  userId: string | null;
  description: string | null;
  /** The MLmodel file's `model_uuid`. */
  modelUuid: string | null;
  tags: Record<string, string>;
  /** The aliases pointing at this version, sorted. */
  aliases: string[];
}

/** What registering a new version takes. */
export interface NewModelVersion {
  name: string;
  source: string;
  runId: string | null;
  userId: string | null;
  modelUuid: string | null;
  description?: string | null;
  tags?: ReadonlyArray<readonly [string, string]>;
}

/** A model a run logged (its folder among the run's artifacts). */
export interface LoggedModel {
  runId: string;
  /** Relative to the run's artifact folder: `model`. */
  artifactPath: string;
  modelUuid: string;
  /** The model folder: the run's artifact folder + artifact path. */
  source: string;
  inputName: string;
  outputName: string;
  loggedAt: number;
}

/** When {@link ModelRegistryStore.promoteAlias} moves an alias. */
export interface PromotionRule {
  /** Null: only when the alias points nowhere yet. */
  metric: string | null;
  greaterIsBetter: boolean;
}

/** What {@link ModelRegistryStore.promoteAlias} did, and why. */
export interface PromotionResult {
  moved: boolean;
  /** The version the alias pointed at before (null: none). */
  previous: number | null;
  reason: string;
}

/**
 * The model registry (MLflow's, in the tracking store): registered models, their numbered versions,
 * aliases and tags, and the models runs logged. Each write is one transaction.
 */
export interface ModelRegistryStore {
  /** Records a logged model of a run (replacing one at the same artifact path). */
  logModel(model: LoggedModel): Promise<void>;
  loggedModels(runId: string): Promise<LoggedModel[]>;
  /**
   * Registers a new version (the registered model is created on first use) and returns it. Safe when
   * several processes register versions of one model at once: each gets its own number.
   */
  registerModelVersion(version: NewModelVersion): Promise<ModelVersion>;
  listRegisteredModels(): Promise<RegisteredModel[]>;
  getRegisteredModel(name: string): Promise<RegisteredModel | undefined>;
  /** Newest first. */
  listModelVersions(name: string): Promise<ModelVersion[]>;
  getModelVersion(name: string, version: number): Promise<ModelVersion | undefined>;
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined>;
  /** Points `alias` at `version` (moving it from another version). The version must exist. */
  setAlias(name: string, alias: string, version: number): Promise<void>;
  /** Resolves to false when the alias did not exist. */
  deleteAlias(name: string, alias: string): Promise<boolean>;
  /** Moves `alias` to `version` when `rule` says so, in one transaction (see {@link PromotionRule}). */
  promoteAlias(name: string, alias: string, version: number, rule: PromotionRule): Promise<PromotionResult>;
  setRegisteredModelTags(name: string, tags: ReadonlyArray<readonly [string, string]>): Promise<void>;
  setModelVersionTags(
    name: string,
    version: number,
    tags: ReadonlyArray<readonly [string, string]>,
  ): Promise<void>;
}

/**
 * Where runs are kept. The SQLite and PostgreSQL stores implement it over one schema (docs/tracking.md);
 * every write is one transaction, so concurrent writers never see or leave half a change.
 */
export interface TrackingStore extends ModelRegistryStore {
  /** `sqlite:///…` or `postgresql://user:***@host/db`: the store as messages may show it. */
  readonly display: string;
  /** The experiment named `name`, created when missing (safe when several processes race). */
  getOrCreateExperiment(name: string): Promise<Experiment>;
  getExperiment(name: string): Promise<Experiment | undefined>;
  listExperiments(): Promise<Experiment[]>;
  /**
   * Records a new run with its parameters and tags, status RUNNING, and returns its id: the id asked
   * for, or, when another run took it (two processes starting in the same millisecond), that id with
   * `-2`, `-3`, … appended.
   */
  createRun(run: NewRun): Promise<string>;
  setTags(runId: string, tags: ReadonlyArray<readonly [string, string]>): Promise<void>;
  /** Records metric points; a point at a step already logged replaces it. */
  logMetrics(runId: string, points: readonly MetricPoint[]): Promise<void>;
  /** Every point of the run's metrics (of `keys` only, when given), by key then step. */
  metricHistory(runId: string, keys?: readonly string[]): Promise<MetricPoint[]>;
  logArtifacts(runId: string, artifacts: readonly ArtifactRecord[]): Promise<void>;
  /** Marks the run ended and writes its nodes, lineage and log lines. */
  endRun(runId: string, end: RunEnd): Promise<void>;
  /**
   * Records nodes (and their lineage) of a run that is still going, from another process that ran
   * them (a distributed worker); a node recorded again (a retry) takes the later record.
   */
  addRunNodes(
    runId: string,
    part: { nodes: readonly NodeRecord[]; lineage: readonly LineageRecord[] },
  ): Promise<void>;
  /** The runs of these experiments, with their parameters, tags and latest metrics. */
  runSummaries(experimentIds: readonly string[]): Promise<RunSummary[]>;
  getRun(runId: string): Promise<RunDetails | undefined>;
  /** Ids of runs starting with `prefix`, at most `limit`. */
  findRunIds(prefix: string, limit?: number): Promise<string[]>;
  close(): Promise<void>;
}
