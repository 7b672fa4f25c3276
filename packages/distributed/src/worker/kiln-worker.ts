import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { findProject, getDefaultLogger, type Logger } from "kiln";
import { DistributedError } from "../errors.js";
import {
  DEFAULT_QUEUE,
  NODES_JOB,
  type NodesJobData,
  SCHEDULED_RUN_JOB,
  type ScheduledRunData,
  workerName,
} from "../protocol.js";
import { connectRedis, defaultRedisUrl, shownUrl } from "../redis/connection.js";
import { RunContexts } from "./run-contexts.js";
import { cancelChecker, runNodesJob } from "./run-nodes-job.js";
import { runScheduledJob } from "./run-scheduled-job.js";

/** Options of {@link KilnWorker.start}; the `kiln worker` flags. */
export interface KilnWorkerOptions {
  /** A folder inside the project (default: the working directory). */
  projectPath?: string;
  /** Default `KILN_REDIS_URL`, else `redis://127.0.0.1:6379`. */
  redis?: string;
  /** Default `kiln`. */
  queue?: string;
  /** Jobs this process runs at once (default 1). */
  concurrency?: number;
  /** The config environment of scheduled runs whose schedule names none. Node jobs use their run's. */
  env?: string;
  /**
   * Milliseconds a job stays this worker's without a lock renewal (default 60,000). A node whose
   * function blocks the event loop longer is taken for dead and run again elsewhere: raise it for such nodes.
   */
  lockDuration?: number;
  /** Milliseconds between checks for jobs whose worker died (default 30,000). */
  stalledInterval?: number;
  /** Times a job may be taken back from a dead worker before it fails (default 1). */
  maxStalled?: number;
  logger?: Logger;
}

const positive = (name: string, value: number | undefined, fallback: number, min = 1): number => {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min)
    throw new DistributedError(
      "KILN_DISTRIBUTED_BAD_OPTION",
      `${name} must be a whole number of ${min} or more, got ${value}.`,
      {
        hint: `e.g. ${name} ${Math.max(min, fallback)}`,
      },
    );
  return value;
};

/**
 * A `kiln worker`: takes jobs from the queue and runs them in this project, node jobs of distributed
 * runs (`kiln run --runner distributed`) and scheduled runs (`kiln schedule add`).
 *
 * @example
 * const worker = await KilnWorker.start({ queue: "kiln", concurrency: 2 });
 * process.once("SIGTERM", () => worker.close());
 */
export class KilnWorker {
  private constructor(
    readonly name: string,
    private readonly worker: Worker,
    private readonly redis: Redis,
    private readonly runs: RunContexts,
  ) {}

  /**
   * Opens the project, connects to Redis and starts taking jobs.
   * @throws ProjectError outside a project; DistributedError `KILN_DISTRIBUTED_REDIS_UNREACHABLE`, `KILN_DISTRIBUTED_BAD_OPTION`.
   */
  static async start(options: KilnWorkerOptions = {}): Promise<KilnWorker> {
    const logger = options.logger ?? getDefaultLogger();
    const project = await findProject(options.projectPath ?? process.cwd());
    const url = options.redis ?? defaultRedisUrl();
    const queue = options.queue ?? DEFAULT_QUEUE;
    const concurrency = positive("--concurrency", options.concurrency, 1);
    const lockDuration = positive("--lock-duration", options.lockDuration, 60_000, 100);
    const stalledInterval = positive("--stalled-interval", options.stalledInterval, 30_000, 100);
    const maxStalledCount = positive("--max-stalled", options.maxStalled, 1, 0);
    const redis = await connectRedis(url);
    const runs = new RunContexts(project.root, logger);
    const env = { queue, redis, runs, logger, cancelled: cancelChecker(redis, queue) };
    const processor = async (job: Job) => {
      if (job.name === NODES_JOB) return runNodesJob(job as Job<NodesJobData>, env);
      if (job.name === SCHEDULED_RUN_JOB)
        return runScheduledJob(job as Job<ScheduledRunData>, {
          projectPath: project.root,
          defaultEnv: options.env,
          logger,
        });
      throw new UnrecoverableError(`kiln worker does not know jobs named "${job.name}"`);
    };
    const worker = new Worker(queue, processor, {
      connection: { url, maxRetriesPerRequest: null },
      concurrency,
      lockDuration,
      stalledInterval,
      maxStalledCount,
      name: workerName(),
    });
    worker.on("error", (error) => logger.warn(`Redis (${shownUrl(url)}): ${error.message}`));
    await worker.waitUntilReady();
    const name = workerName();
    logger.info(
      `Worker ${name} takes jobs of project ${project.name} from queue "${queue}" at ${shownUrl(url)} (concurrency ${concurrency}).`,
      { event: "worker_started", worker: name, queue },
    );
    return new KilnWorker(name, worker, redis, runs);
  }

  /** Stops taking jobs, waits for the running ones, and disconnects. */
  async close(): Promise<void> {
    await this.worker.close();
    await this.runs.closeAll();
    this.redis.disconnect();
  }

  /** Stops at once: running jobs are left to BullMQ's stalled-job recovery (another worker takes them). */
  async closeNow(): Promise<void> {
    await this.worker.close(true);
    this.redis.disconnect();
  }
}
