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

/**
 * Where runs are kept. The SQLite and PostgreSQL stores implement it over one schema (docs/tracking.md);
 * every write is one transaction, so concurrent writers never see or leave half a change.
 */
export interface TrackingStore {
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
