import { addLogListener, KilnError, type Logger, type LogRecord, scrubSecrets } from "kiln";
import type { ArtifactFile, ArtifactStore } from "../artifacts/artifact-store.js";
import type { TrackingConfig } from "../config/tracking-config.js";
import { flattenParams, limitLength } from "../params/flatten.js";
import type {
  LineageRecord,
  LogLine,
  MetricPoint,
  NodeRecord,
  RunStatus,
  TrackingStore,
} from "../store/types.js";

/** The most log lines one run keeps; later ones are counted, not kept. */
export const MAX_LOG_LINES = 20_000;

/** What a tracked run starts from. */
export interface RunTrackerOptions {
  store: TrackingStore;
  artifacts: ArtifactStore;
  config: TrackingConfig;
  experimentName: string;
  runName: string;
  /** The session's run id: the tracked run's id too, unless another run took it. */
  sessionRunId: string;
  /** The run's parameters, nested; flattened as `config.params` says. */
  parameters: Record<string, unknown>;
  tags: ReadonlyArray<readonly [string, string]>;
  userId: string | null;
  /** Credential values: never stored. */
  secrets: readonly string[];
  logger: Logger;
}

/**
 * One tracked run, from `start()` to `finish()`: its parameters and tags are written at the start,
 * metrics and artifacts as datasets save them, and its nodes, lineage and log lines at the end, each
 * write one transaction. Everything text it stores is scrubbed of credential values first.
 */
export class RunTracker {
  readonly #nodes = new Map<string, NodeRecord>();
  /** performance.now() at each node's start: durations from a monotonic clock. */
  readonly #started = new Map<string, number>();
  readonly #lineage = new Map<string, LineageRecord>();
  readonly #logs: LogLine[] = [];
  #droppedLogs = 0;
  #stopLogs: (() => void) | undefined;
  #finished: Promise<void> | undefined;

  private constructor(
    readonly options: RunTrackerOptions,
    /** The tracked run's id (the session's, or that with `-2`… when it was taken). */
    readonly runId: string,
    readonly experimentId: string,
    readonly artifactUri: string,
  ) {}

  /**
   * Creates the experiment if needed and the run, with its flattened parameters and tags.
   * @throws TrackingError `KILN_TRACKING_VALUE_TOO_LONG` (with `long_values: fail`) or a store error.
   */
  static async start(options: RunTrackerOptions): Promise<RunTracker> {
    const { store, config, logger } = options;
    const scrub = (text: string) => scrubSecrets(text, options.secrets);
    const warn = (message: string) => logger.warn(message);
    const params = flattenParams(options.parameters, config.params).map(
      ([k, v]) => [k, limitLength("parameter", k, scrub(v), config.params, warn)] as const,
    );
    const tags = options.tags.map(
      ([k, v]) => [k, limitLength("tag", k, scrub(v), config.params, warn)] as const,
    );
    const experiment = await store.getOrCreateExperiment(options.experimentName);
    const uri = options.artifacts.runUri(experiment.experimentId);
    const runId = await store.createRun({
      runId: options.sessionRunId,
      experimentId: experiment.experimentId,
      runName: scrub(options.runName),
      startTime: Date.now(),
      artifactUri: uri,
      userId: options.userId,
      params,
      tags,
    });
    const tracker = new RunTracker(
      options,
      runId,
      experiment.experimentId,
      uri.replaceAll("{run_id}", runId),
    );
    if (config.logs) tracker.#stopLogs = addLogListener((record) => tracker.#keepLog(record));
    return tracker;
  }

  /**
   * Joins a run that another process started and still runs (a distributed worker running some of
   * its nodes): nodes, lineage, metrics and artifacts recorded here go to that run, which is not
   * ended here. Log lines are not collected (a worker's log is its own).
   * @returns undefined when the store has no run started under `sessionRunId`.
   */
  static async attach(options: {
    store: TrackingStore;
    artifacts: ArtifactStore;
    config: TrackingConfig;
    sessionRunId: string;
    secrets: readonly string[];
    logger: Logger;
  }): Promise<RunTracker | undefined> {
    const { store, sessionRunId } = options;
    // The tracked run has the session's id, or that id with a suffix when the id was taken.
    const candidates = [sessionRunId, ...(await store.findRunIds(`${sessionRunId}-`, 10))];
    for (const id of candidates) {
      const run = await store.getRun(id);
      if (run?.tags["kiln.session_run_id"] !== sessionRunId) continue;
      const trackerOptions: RunTrackerOptions = {
        ...options,
        experimentName: run.experimentName,
        runName: run.runName,
        parameters: {},
        tags: [],
        userId: run.userId,
      };
      return new RunTracker(trackerOptions, run.runId, run.experimentId, run.artifactUri);
    }
    return undefined;
  }

  /**
   * For a joined run: records the nodes that ended since the last flush, and their lineage, in the
   * store (the run goes on elsewhere). Nodes still running stay for the next flush.
   */
  async flush(): Promise<void> {
    const ended = [...this.#nodes.values()].filter((n) => n.status !== "running");
    const names = new Set(ended.map((n) => n.name));
    const lineage = [...this.#lineage.entries()].filter(([, l]) => names.has(l.node));
    if (ended.length === 0 && lineage.length === 0) return;
    await this.options.store.addRunNodes(this.runId, {
      nodes: ended,
      lineage: lineage.map(([, l]) => l),
    });
    for (const name of names) {
      this.#nodes.delete(name);
      this.#started.delete(name);
    }
    for (const [key] of lineage) this.#lineage.delete(key);
  }

  #scrub(text: string): string {
    return scrubSecrets(text, this.options.secrets);
  }

  #keepLog(record: LogRecord): void {
    if (this.#logs.length >= MAX_LOG_LINES) {
      this.#droppedLogs++;
      return;
    }
    this.#logs.push({ time: record.time, level: record.level, message: this.#scrub(record.message) });
  }

  /** Records metric points in the run's store. */
  logMetrics(points: readonly MetricPoint[]): Promise<void> {
    return this.options.store.logMetrics(this.runId, points);
  }

  /** The run's metric points (of `keys` only, when given). */
  metricHistory(keys?: readonly string[]): Promise<MetricPoint[]> {
    return this.options.store.metricHistory(this.runId, keys);
  }

  /** Writes `files` to the run's artifact folder and records them as logged by `dataset`. */
  async logArtifacts(dataset: string, files: readonly ArtifactFile[]): Promise<void> {
    const paths = await this.options.artifacts.put(this.artifactUri, files);
    const now = Date.now();
    await this.options.store.logArtifacts(
      this.runId,
      paths.map((path, i) => ({ path, size: files[i]!.bytes.byteLength, dataset, loggedAt: now })),
    );
  }

  /** A node began (its first input load, or its function when it has no inputs). */
  nodeStarted(name: string): void {
    if (this.#nodes.has(name)) return;
    this.#nodes.set(name, {
      name,
      status: "running",
      startTime: Date.now(),
      endTime: null,
      durationMs: null,
      error: null,
    });
    this.#started.set(name, performance.now());
  }

  /** A node ended: its function failed, or its last output was saved. */
  nodeEnded(name: string, error?: unknown): void {
    const node = this.#nodes.get(name);
    if (node?.status !== "running") return;
    node.status = error === undefined ? "success" : "failed";
    node.endTime = Date.now();
    node.durationMs = Math.round((performance.now() - this.#started.get(name)!) * 1000) / 1000;
    if (error !== undefined) node.error = this.#scrub(error instanceof Error ? error.message : String(error));
  }

  /** A dataset a node read or wrote, with its version. */
  recordLineage(record: LineageRecord): void {
    this.#lineage.set(`${record.node}\u0000${record.dataset}\u0000${record.direction}`, {
      ...record,
      location: record.location === null ? null : this.#scrub(record.location),
    });
  }

  /**
   * Ends the run (once; later calls wait for the first): its status, the error of a failed run, its
   * nodes (those still running are marked failed), lineage and log lines; then closes the store.
   */
  finish(status: Exclude<RunStatus, "RUNNING">, error?: unknown): Promise<void> {
    this.#finished ??= this.#finish(status, error);
    return this.#finished;
  }

  async #finish(status: Exclude<RunStatus, "RUNNING">, error: unknown): Promise<void> {
    this.#stopLogs?.();
    const now = Date.now();
    for (const node of this.#nodes.values()) {
      if (node.status === "running") this.nodeEnded(node.name, error ?? new Error("the run ended first"));
    }
    const logs = [...this.#logs];
    if (this.#droppedLogs > 0)
      logs.push({ time: now, level: "warn", message: `${this.#droppedLogs} more log lines were not kept.` });
    try {
      await this.options.store.endRun(this.runId, {
        status,
        endTime: now,
        errorCode: error instanceof KilnError ? error.code : null,
        errorMessage:
          error === undefined ? null : this.#scrub(error instanceof Error ? error.message : String(error)),
        nodes: [...this.#nodes.values()],
        lineage: [...this.#lineage.values()],
        logs,
      });
    } finally {
      await this.options.store.close();
    }
  }
}
