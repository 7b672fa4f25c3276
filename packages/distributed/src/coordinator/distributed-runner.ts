import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import {
  BaseRunner,
  type DataCatalog,
  generateVersion,
  type Node,
  NodeFunctionFailure,
  type Pipeline,
  type RunnerOptions,
  type RunOptions,
  type RunResult,
  resumeMessage,
  type TaskEnv,
} from "kiln";
import { DistributedError } from "../errors.js";
import { cancelledKey, dataKey, type NodesJobData, type RunSpec } from "../protocol.js";
import { connectRedis, shownUrl } from "../redis/connection.js";
import { RedisDataset } from "../redis/redis-dataset.js";
import { onInterrupt } from "./interrupt.js";
import { type JobUnit, planJobs } from "./job-plan.js";
import { findMemoryCrossings, memoryCrossingError } from "./memory-check.js";
import { RunJobs } from "./run-jobs.js";
import { runSpec } from "./run-spec.js";
import type { DistributedSettings } from "./runner-params.js";

/** Options of {@link DistributedRunner}: the settings `--runner-params` gives, and a few for code. */
export interface DistributedRunnerOptions extends RunnerOptions, Partial<DistributedSettings> {
  /**
   * Cancel the run on SIGINT / SIGTERM (default true): its queued jobs are removed and `run()` fails
   * with `KILN_DISTRIBUTED_CANCELLED`. A second signal exits at once.
   */
  handleSignals?: boolean;
}

/** What one run holds between `run()` and its end. */
interface ActiveRun {
  spec: RunSpec;
  command: string | undefined;
  redis: Redis;
  queue: Queue;
  events: QueueEvents;
  units: JobUnit[];
  /** The run's copy of the catalog (what the resume suggestion checks for persisted data). */
  catalog?: DataCatalog;
  redisDatasets: string[];
  /** Of those, the ones no node reads: the run's result takes them from Redis. */
  redisOutputs: Set<string>;
  /** The node tasks the runner waits on, settled as the jobs' events arrive. */
  tasks: Map<Node, { promise: Promise<void>; resolve(): void; reject(error: unknown): void }>;
  jobs?: RunJobs;
}

const SETTINGS_DEFAULTS: Omit<DistributedSettings, "redis"> = {
  queue: "kiln",
  retries: 0,
  retryDelay: 0,
  groupBy: "none",
  memory: "error",
  memoryLimit: 1024 ** 2,
};

/**
 * Runs each node (or each namespace, with `groupBy: "namespace"`) as a BullMQ job that any
 * `kiln worker` on any machine takes: this process schedules jobs as their inputs are ready and
 * follows their events; the workers load inputs from the catalog, run the nodes, save outputs and run
 * the node and dataset hooks. Pipeline hooks run here. A worker that dies mid-node (its job stalls)
 * has its job retried by another worker; a job that fails `retries + 1` times fails the run.
 *
 * @example
 * new DistributedRunner({ redis: "redis://127.0.0.1:6379", queue: "kiln", retries: 2 })
 */
export class DistributedRunner extends BaseRunner {
  readonly name = "DistributedRunner";
  protected readonly isAsync = true;
  readonly settings: DistributedSettings;
  readonly handleSignals: boolean;
  #run: ActiveRun | undefined;

  constructor(options: DistributedRunnerOptions = {}) {
    super(options);
    const { logger: _l, handleSignals, ...settings } = options;
    this.settings = {
      ...SETTINGS_DEFAULTS,
      redis: process.env.KILN_REDIS_URL || "redis://127.0.0.1:6379",
      ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)),
    };
    this.handleSignals = handleSignals ?? true;
  }

  override async run(pipeline: Pipeline, catalog: DataCatalog, options: RunOptions = {}): Promise<RunResult> {
    if (this.#run) {
      throw new DistributedError(
        "KILN_DISTRIBUTED_BUSY",
        "This DistributedRunner is already running a pipeline.",
        {
          hint: "Make one runner per concurrent run.",
        },
      );
    }
    const runId = options.runId ?? generateVersion();
    const redis = await connectRedis(this.settings.redis);
    const connection = { url: this.settings.redis, maxRetriesPerRequest: null };
    const queue = new Queue(this.settings.queue, { connection, streams: { events: { maxLen: 100_000 } } });
    // Events are read from the stream's end as it is now, so none of this run's can be missed.
    const last = await redis.xrevrange(queue.keys.events!, "+", "-", "COUNT", 1);
    const events = new QueueEvents(this.settings.queue, { connection, lastEventId: last[0]?.[0] ?? "0-0" });
    // Connection trouble is retried by the clients; it is worth a line, not a crash.
    const onError = (error: Error) =>
      this.logger.warn(`Redis (${shownUrl(this.settings.redis)}): ${error.message}`);
    queue.on("error", onError);
    events.on("error", onError);
    this.#run = {
      spec: runSpec(runId, options, this.name),
      command: options.command,
      redis,
      queue,
      events,
      units: [],
      redisDatasets: [],
      redisOutputs: new Set(),
      tasks: new Map(),
    };
    try {
      return await super.run(pipeline, catalog, { ...options, runId });
    } finally {
      const run = this.#run;
      this.#run = undefined;
      run.jobs?.detach();
      await Promise.allSettled([
        ...run.redisDatasets.map((ds) => redis.del(dataKey(this.settings.queue, runId, ds))),
      ]);
      await Promise.allSettled([events.close(), queue.close()]);
      redis.disconnect();
    }
  }

  protected override async validate(pipeline: Pipeline, catalog: DataCatalog): Promise<void> {
    const run = this.#run!;
    const { settings } = this;
    run.catalog = catalog;
    run.units = planJobs(pipeline, settings.groupBy);
    const crossings = await findMemoryCrossings(pipeline, catalog, run.units);
    const carried = [...crossings.between.map((c) => c.dataset), ...crossings.inputs.map((c) => c.dataset)];
    if (carried.length > 0 && settings.memory !== "redis") throw memoryCrossingError(crossings);
    if (crossings.outputs.length > 0 && settings.memory !== "redis") {
      this.logger.warn(
        `${crossings.outputs.map((d) => `"${d}"`).join(", ")} ${crossings.outputs.length === 1 ? "is" : "are"} made in memory on a worker and read by no node: this run keeps nothing of ${crossings.outputs.length === 1 ? "it" : "them"}. Declare ${crossings.outputs.length === 1 ? "it" : "them"} in the catalog, or pass --runner-params memory=redis.`,
      );
    }
    if (settings.memory === "redis") {
      run.redisDatasets = [...carried, ...crossings.outputs];
      run.redisOutputs = new Set(crossings.outputs);
      // A group job that fails after some of its nodes is tried again from its first node, which
      // reads its inputs again: values a group reads stay until the run ends.
      const readByGroups = new Set(
        run.units.filter((u) => u.nodes.length > 1).flatMap((u) => u.nodes.flatMap((n) => n.inputs)),
      );
      for (const name of run.redisDatasets) {
        const stored = new RedisDataset(
          run.redis,
          dataKey(settings.queue, run.spec.runId, name),
          name,
          settings.memoryLimit,
          !readByGroups.has(name),
        );
        // Data handed to the run in memory is sent to Redis now, for the workers that read it.
        if (crossings.inputs.some((c) => c.dataset === name)) await stored.save(await catalog.load(name));
        catalog.add(name, stored, { replace: true });
      }
    }
    await run.events.waitUntilReady();
    // CLIENT LIST, which counting workers needs, is refused by some managed Redis services: then no warning.
    if ((await run.queue.getWorkersCount().catch(() => undefined)) === 0) {
      this.logger.warn(
        `No kiln worker listens on queue "${settings.queue}" at ${shownUrl(settings.redis)} yet: the jobs wait until one starts (kiln worker --queue ${settings.queue}).`,
      );
    }
    this.logger.info(
      `Distributed run ${run.spec.runId}: ${pipeline.nodes.length} node${pipeline.nodes.length === 1 ? "" : "s"} in ${run.units.length} job${run.units.length === 1 ? "" : "s"} on queue "${settings.queue}" at ${shownUrl(settings.redis)}.`,
    );
  }

  /** The node's task runs on a worker: this waits for the events that say how it went. */
  protected override runTask(node: Node, env: TaskEnv): Promise<void> {
    const task = this.#task(node);
    const run = this.#run!;
    const free = node.outputs.filter((output) => run.redisOutputs.has(output));
    if (free.length === 0) return task.promise;
    // Free outputs kept in Redis come back to the caller, as a run's free outputs do.
    return task.promise.then(async () => {
      for (const output of free) env.onSaved(output, await env.catalog.load(output));
    });
  }

  #task(node: Node) {
    const tasks = this.#run!.tasks;
    let task = tasks.get(node);
    if (!task) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      task = { promise, resolve, reject };
      tasks.set(node, task);
    }
    return task;
  }

  protected runNodes(
    pipeline: Pipeline,
    runNode: (node: Node) => Promise<void>,
    done: Set<Node>,
  ): Promise<void> {
    const run = this.#run!;
    const { settings } = this;
    const inFlight: Promise<void>[] = [];
    const inRedis = new Set(run.redisDatasets);
    let failure: { error: unknown } | undefined;
    return new Promise<void>((resolve, reject) => {
      const jobs = new RunJobs({
        runId: run.spec.runId,
        units: run.units,
        queue: run.queue,
        events: run.events,
        attempts: settings.retries + 1,
        retryDelay: settings.retryDelay,
        logger: this.logger,
        data: (unit): NodesJobData => ({
          run: run.spec,
          nodes: unit.nodes.map((n) => n.name),
          // Only the job's own: a job's data is stored and read once per job.
          redisDatasets: unit.nodes.flatMap((n) =>
            [...n.inputs, ...n.outputs].filter((ds) => inRedis.has(ds)),
          ),
          memoryLimit: settings.memoryLimit,
        }),
        nodes: {
          started: (node) => {
            inFlight.push(
              runNode(node).then(
                () => void done.add(node),
                (error: unknown) => {
                  failure ??= { error };
                },
              ),
            );
          },
          completed: (node) => this.#task(node).resolve(),
          failed: (node, error, inFunction) =>
            this.#task(node).reject(inFunction ? new NodeFunctionFailure(error) : error),
        },
      });
      run.jobs = jobs;
      const stopSignals = this.handleSignals
        ? onInterrupt((signal) => void this.#cancel(signal, pipeline, done).then(reject, reject))
        : () => {};
      jobs.settled.then(
        async () => {
          stopSignals();
          await Promise.all(inFlight);
          if (failure) reject(failure.error);
          else resolve();
        },
        (error: unknown) => {
          stopSignals();
          reject(error);
        },
      );
      jobs.start();
    });
  }

  /** Cancels the run (SIGINT / SIGTERM): its queued jobs go, workers skip what they had not begun. */
  async #cancel(signal: NodeJS.Signals, pipeline: Pipeline, done: Set<Node>): Promise<DistributedError> {
    const run = this.#run!;
    this.logger.warn(`${signal}: cancelling run ${run.spec.runId}, removing its queued jobs…`);
    await run.redis.set(cancelledKey(this.settings.queue, run.spec.runId), "1", "EX", 24 * 3600);
    const { removed, running } = await run.jobs!.stop();
    const resume = resumeMessage({ pipeline, done, catalog: run.catalog!, command: run.command });
    return new DistributedError(
      "KILN_DISTRIBUTED_CANCELLED",
      `Run ${run.spec.runId} was cancelled (${signal}): ${removed} queued job${removed === 1 ? "" : "s"} removed${running > 0 ? `, ${running} already running on workers left to finish` : ""}; ${done.size} of ${pipeline.nodes.length} nodes had completed.`,
      { hint: resume.message },
    );
  }
}
