// The JSON of the Experiments view (`/api/experiments/...`): runs recorded by @kiln/tracking, as the
// page reads them. The viz's own shapes, so the page does not depend on the tracking package.

/**
 * A metric value in JSON: a number, or the text of one JSON cannot hold (tracking keeps NaN and
 * ±Infinity as they were logged).
 */
export type MetricValue = number | "NaN" | "Infinity" | "-Infinity";

/** A tracked run's state, as MLflow names them. */
export type TrackedRunStatus = "RUNNING" | "FINISHED" | "FAILED" | "KILLED";

/** One experiment of the store. */
export interface ExperimentInfo {
  id: string;
  name: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** `/api/experiments`: the store and its experiments. */
export interface ExperimentsResponse {
  /** The store as messages show it (`sqlite:///.kiln/tracking.db`, `postgresql://user:***@host/db`). */
  store: string;
  /** False while no tracked run has created the SQLite file yet. */
  storeExists: boolean;
  /** The experiment `kiln run` records into (tracking.yml's `experiment.name`, the project's name by default). */
  defaultExperiment: string;
  experiments: ExperimentInfo[];
}

/** A tracked run with its parameters, tags and each metric's latest value. */
export interface TrackedRun {
  runId: string;
  runName: string;
  /** The experiment's name. */
  experiment: string;
  status: TrackedRunStatus;
  /** Milliseconds since the epoch. */
  startTime: number;
  endTime: number | null;
  /** `endTime - startTime`; null while running. */
  durationMs: number | null;
  userId: string | null;
  /** Why a failed run failed. */
  error: { code: string | null; message: string } | null;
  /** Flattened parameters (`model_options.test_size`), as text. */
  params: Record<string, string>;
  /** Each metric's latest value (highest step, then latest time). */
  metrics: Record<string, MetricValue>;
  tags: Record<string, string>;
}

/** `/api/experiments/runs`: the runs that meet the filter, in order. */
export interface TrackedRunsResponse {
  /** The experiments searched (by name). */
  experiments: string[];
  /** The filter applied, in MLflow's syntax ("" for none). */
  filter: string;
  orderBy: string;
  limit: number;
  /** Runs of these experiments before filtering. */
  total: number;
  /** Runs meeting the filter, before the limit. */
  matched: number;
  runs: TrackedRun[];
  /** Every metric and parameter name of the runs answered, sorted. */
  metricKeys: string[];
  paramKeys: string[];
}

/** One point of a metric's history. */
export interface MetricHistoryPoint {
  step: number;
  value: MetricValue;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** One node of a tracked run: how it ended and how long it took. */
export interface TrackedRunNode {
  name: string;
  status: "success" | "failed" | "running";
  startTime: number;
  endTime: number | null;
  durationMs: number | null;
  error: string | null;
}

/** A dataset a node read or wrote in the run, and which version. */
export interface TrackedLineage {
  node: string;
  dataset: string;
  direction: "input" | "output";
  datasetType: string | null;
  /** A project-relative path when inside the project, else as recorded; null for memory. */
  location: string | null;
  version: string | null;
}

/** A file logged with the run, relative to its artifact folder. */
export interface TrackedArtifact {
  path: string;
  size: number;
  dataset: string | null;
  loggedAt: number;
}

/** `/api/experiments/runs/:id`: everything recorded about a run but its log lines. */
export interface TrackedRunDetails extends TrackedRun {
  /** Project-relative when inside the project. */
  artifactUri: string;
  /** Every point of every metric, by key, in step order. */
  metricHistory: Record<string, MetricHistoryPoint[]>;
  /** In the order they started. */
  nodes: TrackedRunNode[];
  lineage: TrackedLineage[];
  artifacts: TrackedArtifact[];
  /** How many log lines the run kept (`kiln tracking show --logs` prints them). */
  logLines: number;
}

/** One parameter or metric across the runs compared: a value per run (null: the run has none). */
export interface CompareRow<T> {
  key: string;
  values: (T | null)[];
  /** True when the runs' values are not all equal (a missing value counts). */
  differs: boolean;
}

/** `/api/experiments/compare?runs=a,b`: params and metrics of several runs side by side. */
export interface CompareResponse {
  runs: Array<Pick<TrackedRun, "runId" | "runName" | "experiment" | "status" | "startTime">>;
  params: CompareRow<string>[];
  metrics: CompareRow<MetricValue>[];
}
