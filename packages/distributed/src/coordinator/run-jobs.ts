import type { Queue, QueueEvents } from "bullmq";
import type { Logger, Node } from "kiln";
import {
  deserializeError,
  jobId,
  NODES_JOB,
  type NodeReport,
  type NodesJobData,
  type NodesJobResult,
} from "../protocol.js";
import type { JobUnit } from "./job-plan.js";

/** What {@link RunJobs} tells the runner about nodes as their jobs' events arrive. */
export interface NodeListener {
  /** A node began on some worker (called once per node, whatever the retries). */
  started(node: Node): void;
  completed(node: Node): void;
  /** A node failed for good; `inFunction` when its own function threw (not loading, saving or a hook). */
  failed(node: Node, error: Error, inFunction: boolean): void;
}

export interface RunJobsOptions {
  runId: string;
  units: readonly JobUnit[];
  queue: Queue;
  events: QueueEvents;
  data(unit: JobUnit): NodesJobData;
  /** Tries per job (retries + 1) and the delay between them. */
  attempts: number;
  retryDelay: number;
  nodes: NodeListener;
  logger: Logger;
}

/** blocked: parents running; pending: ready, not sent yet; queued: in Redis; then a worker's. */
type UnitState = "blocked" | "pending" | "queued" | "active" | "completed" | "failed" | "removed";

interface UnitEntry {
  unit: JobUnit;
  id: string;
  state: UnitState;
  parentsLeft: number;
  /** The node whose failure was last reported, so the job's final failure names it. */
  lastFailure?: { node: Node; error: Error; inFunction: boolean };
}

/**
 * The jobs of one distributed run: queues each unit once its parents completed, follows the queue's
 * events (active, progress, completed, failed, stalled) and tells the runner about nodes. After the
 * first job that fails for good it queues nothing more, removes the run's queued jobs and waits for
 * the running ones; `settled` resolves when no job of the run is left to wait for.
 */
export class RunJobs {
  readonly #o: RunJobsOptions;
  readonly #byId = new Map<string, UnitEntry>();
  readonly #byUnit = new Map<JobUnit, UnitEntry>();
  readonly #started = new Set<Node>();
  readonly #counts = new Map<UnitState, number>();
  readonly #completed = new Set<Node>();
  #toQueue: UnitEntry[] = [];
  #flushing = false;
  #stopped = false;
  #settle!: () => void;
  #fail!: (error: unknown) => void;
  /** Resolves once every job of the run completed, or after a failure once none is running any more. */
  readonly settled: Promise<void>;

  constructor(options: RunJobsOptions) {
    this.#o = options;
    this.settled = new Promise<void>((resolve, reject) => {
      this.#settle = resolve;
      this.#fail = reject;
    });
    options.units.forEach((unit, i) => {
      const entry: UnitEntry = {
        unit,
        id: jobId(options.runId, i),
        state: "blocked",
        parentsLeft: unit.parents.size,
      };
      this.#byId.set(entry.id, entry);
      this.#byUnit.set(unit, entry);
    });
    this.#counts.set("blocked", options.units.length);
    const { events } = options;
    events.on("active", this.#onActive);
    events.on("progress", this.#onProgress);
    events.on("completed", this.#onCompleted);
    events.on("failed", this.#onFailed);
    events.on("stalled", this.#onStalled);
  }

  /** Queues the units that wait for nothing. */
  start(): void {
    for (const entry of this.#byUnit.values()) if (entry.parentsLeft === 0) this.#queue(entry);
    this.#checkSettled();
  }

  /** Stops listening to the queue's events. */
  detach(): void {
    const { events } = this.#o;
    events.off("active", this.#onActive);
    events.off("progress", this.#onProgress);
    events.off("completed", this.#onCompleted);
    events.off("failed", this.#onFailed);
    events.off("stalled", this.#onStalled);
  }

  /**
   * Queues nothing more and removes the run's jobs that no worker has taken yet.
   * @returns how many were removed and how many are still running on workers.
   */
  async stop(): Promise<{ removed: number; running: number }> {
    this.#stopped = true;
    this.#toQueue = [];
    let removed = 0;
    for (const entry of this.#byUnit.values()) {
      if (entry.state === "blocked" || entry.state === "pending") this.#set(entry, "removed");
      if (entry.state !== "queued") continue;
      // 0 when a worker holds the job's lock: it is running, and its events will come.
      if ((await this.#o.queue.remove(entry.id)) === 1 && entry.state === "queued") {
        this.#set(entry, "removed");
        removed++;
      }
    }
    const running = [...this.#byUnit.values()].filter(
      (e) => e.state === "queued" || e.state === "active",
    ).length;
    this.#checkSettled();
    return { removed, running };
  }

  #queue(entry: UnitEntry): void {
    this.#set(entry, "pending");
    this.#toQueue.push(entry);
    // Units made ready by the same burst of events go to Redis in one addBulk.
    if (!this.#flushing) {
      this.#flushing = true;
      setImmediate(() => void this.#flush());
    }
  }

  async #flush(): Promise<void> {
    this.#flushing = false;
    const batch = this.#toQueue.filter((e) => e.state === "pending");
    this.#toQueue = [];
    if (batch.length === 0 || this.#stopped) return;
    for (const entry of batch) this.#set(entry, "queued");
    const { attempts, retryDelay } = this.#o;
    try {
      await this.#o.queue.addBulk(
        batch.map((entry) => ({
          name: NODES_JOB,
          data: this.#o.data(entry.unit),
          opts: {
            jobId: entry.id,
            attempts,
            ...(retryDelay > 0 ? { backoff: { type: "fixed", delay: retryDelay } } : {}),
            // The completed event carries the result; a kept job would only cost Redis memory and trimming.
            removeOnComplete: true,
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        })),
      );
    } catch (error) {
      this.#stopped = true;
      this.#fail(error);
    }
  }

  #entry(jobId: string): UnitEntry | undefined {
    return this.#byId.get(jobId);
  }

  #start(node: Node): void {
    if (this.#started.has(node)) return;
    this.#started.add(node);
    this.#o.nodes.started(node);
  }

  #complete(node: Node): void {
    this.#start(node);
    if (this.#completed.has(node)) return;
    this.#completed.add(node);
    this.#o.nodes.completed(node);
  }

  readonly #onActive = ({ jobId }: { jobId: string }) => {
    const entry = this.#entry(jobId);
    if (!entry || entry.state === "completed" || entry.state === "failed") return;
    this.#set(entry, "active");
    // A one-node job starts its node; a group says which node it is on through progress reports.
    if (entry.unit.nodes.length === 1) this.#start(entry.unit.nodes[0]!);
  };

  readonly #onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
    const entry = this.#entry(jobId);
    if (!entry) return;
    const report = data as NodeReport;
    const node = entry.unit.nodes.find((n) => n.name === report.node);
    if (!node) return;
    if (report.event === "node_started") this.#start(node);
    else if (report.event === "node_completed") this.#complete(node);
    else if (report.event === "node_failed") {
      const error = deserializeError(report.error);
      entry.lastFailure = { node, error, inFunction: report.inFunction };
      if (report.attempt < report.attempts) {
        this.#o.logger.warn(
          `Node "${node.name}" failed on ${report.worker} (attempt ${report.attempt} of ${report.attempts}): ${error.message}. Its job is tried again.`,
          { event: "node_retry", node: node.name, attempt: report.attempt },
        );
      }
    }
  };

  readonly #onStalled = ({ jobId }: { jobId: string }) => {
    const entry = this.#entry(jobId);
    if (!entry) return;
    this.#o.logger.warn(
      `The worker running ${entry.unit.nodes.length === 1 ? `node "${entry.unit.nodes[0]!.name}"` : `group "${entry.unit.name}"`} stopped answering; its job goes back to the queue for another worker.`,
      { event: "job_stalled", job: jobId },
    );
  };

  readonly #onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
    const entry = this.#entry(jobId);
    if (!entry || entry.state === "completed") return;
    this.#set(entry, "completed");
    const result = returnvalue as NodesJobResult | undefined;
    this.#o.logger.debug(`Job ${jobId} completed on ${result?.worker ?? "a worker"}.`);
    for (const node of entry.unit.nodes) this.#complete(node);
    if (!this.#stopped) {
      for (const child of entry.unit.children) {
        const childEntry = this.#byUnit.get(child)!;
        if (--childEntry.parentsLeft === 0 && childEntry.state === "blocked") this.#queue(childEntry);
      }
    }
    this.#checkSettled();
  };

  readonly #onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
    const entry = this.#entry(jobId);
    if (!entry || entry.state === "completed" || entry.state === "failed" || entry.state === "removed")
      return;
    this.#set(entry, "failed");
    const failure = entry.lastFailure ?? {
      // The job failed outside any node: the worker could not open the project, or it died too often.
      node: entry.unit.nodes.find((n) => !this.#completed.has(n)) ?? entry.unit.nodes[0]!,
      error: new Error(
        failedReason === "job stalled more than allowable limit"
          ? "its worker stopped answering more often than the workers' --max-stalled allows (killed, out of memory, or its event loop blocked longer than --lock-duration)"
          : failedReason,
      ),
      inFunction: false,
    };
    this.#start(failure.node);
    this.#o.nodes.failed(failure.node, failure.error, failure.inFunction);
    void this.stop().catch((error: unknown) => this.#fail(error));
  };

  #checkSettled(): void {
    // Counted, not searched: a run of thousands of jobs checks this after every event.
    let busy = 0;
    let completed = 0;
    for (const [state, n] of this.#counts) {
      if (state === "pending" || state === "queued" || state === "active") busy += n;
      else if (state === "completed") completed += n;
    }
    if (busy > 0) return;
    if (this.#stopped || completed === this.#byUnit.size) this.#settle();
  }

  /** Moves a unit to `state`, keeping the per-state counts. */
  #set(entry: UnitEntry, state: UnitState): void {
    this.#counts.set(entry.state, this.#counts.get(entry.state)! - 1);
    this.#counts.set(state, (this.#counts.get(state) ?? 0) + 1);
    entry.state = state;
  }
}
