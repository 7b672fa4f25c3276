import { Queue } from "bullmq";
import { didYouMean } from "kiln";
import { DistributedError } from "../errors.js";
import { DEFAULT_QUEUE, SCHEDULED_RUN_JOB, type ScheduledRunData } from "../protocol.js";
import { connectRedis, defaultRedisUrl } from "../redis/connection.js";
import { checkCron } from "./cron.js";

/** A schedule: when to run which pipeline, with which parameters and environment. */
export interface Schedule {
  name: string;
  pipeline: string;
  /** A cron expression (5 fields, or 6 with seconds first); or `every`. */
  cron?: string;
  /** Milliseconds between runs, instead of `cron`. */
  every?: number;
  /** The time zone `cron` is read in (default: the workers' local time). */
  tz?: string;
  /** `--params` text for the runs. */
  params?: string;
  env?: string;
}

/** A schedule as listed: with the time of its next run, when known. */
export interface ListedSchedule extends Schedule {
  next: Date | undefined;
}

/**
 * The schedules of a queue: BullMQ job schedulers in Redis, whose jobs a `kiln worker` runs as
 * normal runs. Kiln keeps no cron daemon: BullMQ makes each next job as the previous one is taken.
 */
export class Schedules {
  private constructor(private readonly queue: Queue) {}

  /** @throws DistributedError `KILN_DISTRIBUTED_REDIS_UNREACHABLE`. */
  static async open(options: { redis?: string; queue?: string } = {}): Promise<Schedules> {
    const url = options.redis ?? defaultRedisUrl();
    (await connectRedis(url)).disconnect(); // a clear error now, rather than BullMQ's endless retries
    const queue = new Queue(options.queue ?? DEFAULT_QUEUE, {
      connection: { url, maxRetriesPerRequest: null },
    });
    queue.on("error", () => {});
    return new Schedules(queue);
  }

  /**
   * Adds a schedule (or, with `replace`, replaces the one of that name).
   * @throws DistributedError `KILN_DISTRIBUTED_BAD_SCHEDULE` (name, no or two timings),
   *   `KILN_DISTRIBUTED_BAD_CRON`, `KILN_DISTRIBUTED_SCHEDULE_EXISTS`.
   * @returns when it first runs.
   */
  async add(schedule: Schedule, options: { replace?: boolean } = {}): Promise<Date | undefined> {
    if (!/^[\w.-]+$/.test(schedule.name)) {
      throw new DistributedError(
        "KILN_DISTRIBUTED_BAD_SCHEDULE",
        `"${schedule.name}" is not a schedule name.`,
        {
          hint: "Letters, digits, _, . and -: e.g. nightly-training.",
        },
      );
    }
    if ((schedule.cron === undefined) === (schedule.every === undefined)) {
      throw new DistributedError(
        "KILN_DISTRIBUTED_BAD_SCHEDULE",
        `Schedule "${schedule.name}" needs one of --cron and --every.`,
        {
          hint: 'e.g. --cron "0 3 * * *" (03:00 every day) or --every 1h.',
        },
      );
    }
    if (schedule.cron !== undefined) checkCron(schedule.cron, schedule.tz ? { tz: schedule.tz } : {});
    if (!options.replace && (await this.queue.getJobScheduler(schedule.name))) {
      throw new DistributedError(
        "KILN_DISTRIBUTED_SCHEDULE_EXISTS",
        `There is a schedule named "${schedule.name}" already.`,
        {
          hint: `Pass --replace to replace it, or remove it first: kiln schedule rm ${schedule.name}.`,
        },
      );
    }
    const data: ScheduledRunData = {
      schedule: schedule.name,
      pipeline: schedule.pipeline,
      ...(schedule.params !== undefined ? { params: schedule.params } : {}),
      ...(schedule.env !== undefined ? { env: schedule.env } : {}),
    };
    await this.queue.upsertJobScheduler(
      schedule.name,
      schedule.cron !== undefined
        ? {
            pattern: schedule.cron.trim().split(/\s+/).join(" "),
            ...(schedule.tz ? { tz: schedule.tz } : {}),
          }
        : { every: schedule.every! },
      {
        name: SCHEDULED_RUN_JOB,
        data,
        opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
      },
    );
    const added = await this.queue.getJobScheduler(schedule.name);
    return added?.next ? new Date(added.next) : undefined;
  }

  /** Every schedule of the queue, by name. */
  async list(): Promise<ListedSchedule[]> {
    const found = await this.queue.getJobSchedulers(0, -1, true);
    return found
      .map((s) => {
        const data = (s.template?.data ?? {}) as Partial<ScheduledRunData>;
        const listed: ListedSchedule = {
          name: s.key,
          pipeline: data.pipeline ?? "?",
          next: s.next ? new Date(s.next) : undefined,
        };
        if (s.pattern) listed.cron = s.pattern;
        if (s.every) listed.every = Number(s.every);
        if (s.tz) listed.tz = s.tz;
        if (data.params !== undefined) listed.params = data.params;
        if (data.env !== undefined) listed.env = data.env;
        return listed;
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** @throws DistributedError `KILN_DISTRIBUTED_UNKNOWN_SCHEDULE` (with did-you-mean). */
  async remove(name: string): Promise<void> {
    if (await this.queue.removeJobScheduler(name)) return;
    const names = (await this.list()).map((s) => s.name);
    throw new DistributedError("KILN_DISTRIBUTED_UNKNOWN_SCHEDULE", `There is no schedule named "${name}".`, {
      hint:
        didYouMean(name, names) ??
        (names.length > 0
          ? `kiln schedule list shows ${names.length} schedule${names.length === 1 ? "" : "s"}.`
          : "There are no schedules on this queue."),
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
