import { closestMatches } from "kiln";
import { DistributedError } from "../errors.js";
import { DEFAULT_QUEUE } from "../protocol.js";
import { defaultRedisUrl } from "../redis/redis-url.js";
import type { GroupBy } from "./job-plan.js";

/** What `--runner-params` may set for `--runner distributed`, resolved with defaults. */
export interface DistributedSettings {
  /** `redis://[user:password@]host:port[/db]`; default `KILN_REDIS_URL`, else `redis://127.0.0.1:6379`. */
  redis: string;
  /** The BullMQ queue (default `kiln`): workers must listen on the same one. */
  queue: string;
  /** Times a failed job is tried again before the run fails (default 0). */
  retries: number;
  /** Milliseconds before a failed job is tried again (default 0). */
  retryDelay: number;
  groupBy: GroupBy;
  /** `error` (default): memory data between jobs stops the run before it starts; `redis`: kept in Redis. */
  memory: "error" | "redis";
  /** The largest value a Redis-kept dataset takes, in bytes (default 1 MiB). */
  memoryLimit: number;
}

const TAKES = ["redis", "queue", "retries", "retry_delay", "group_by", "memory", "memory_limit"] as const;

function bad(message: string, hint: string): DistributedError {
  return new DistributedError("KILN_DISTRIBUTED_BAD_PARAM", message, { hint });
}

function count(key: string, value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  throw bad(`--runner-params ${key}=${String(value)} is not a whole number of 0 or more.`, `e.g. ${key}=2`);
}

/** `1048576`, `512kb`, `1mb` → bytes. */
export function parseSize(key: string, value: unknown): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib)?$/i.exec(String(value).trim());
  const units: Record<string, number> = { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2 };
  const bytes = match ? Number(match[1]) * units[(match[2] ?? "b").toLowerCase()]! : Number.NaN;
  if (!Number.isFinite(bytes) || bytes < 1)
    throw bad(
      `--runner-params ${key}=${String(value)} is not a size.`,
      `Bytes, or kb / mb: e.g. ${key}=512kb.`,
    );
  return Math.floor(bytes);
}

function oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T;
  throw bad(
    `--runner-params ${key}=${String(value)} is not one of ${allowed.join(", ")}.`,
    `e.g. ${key}=${allowed[allowed.length - 1]}`,
  );
}

/**
 * Reads `--runner-params` (snake_case, as given on the command line).
 * @throws DistributedError `KILN_DISTRIBUTED_BAD_PARAM` for an unknown key (with did-you-mean) or a bad value.
 */
export function parseRunnerParams(params: Record<string, unknown>): DistributedSettings {
  const unknown = Object.keys(params).filter((k) => !(TAKES as readonly string[]).includes(k));
  if (unknown.length > 0) {
    const near = unknown.flatMap((k) => closestMatches(k, TAKES, 1));
    throw bad(
      `The distributed runner has no parameter ${unknown.map((k) => `"${k}"`).join(", ")}.`,
      `${near.length > 0 ? `Did you mean ${near.map((n) => `"${n}"`).join(", ")}? ` : ""}It takes: ${TAKES.join(", ")}.`,
    );
  }
  const redis = params.redis === undefined ? defaultRedisUrl() : String(params.redis);
  if (!/^rediss?:\/\//.test(redis))
    throw bad(`--runner-params redis=${redis} is not a Redis URL.`, "e.g. redis=redis://127.0.0.1:6379");
  const queue = params.queue === undefined ? DEFAULT_QUEUE : String(params.queue);
  if (!/^[\w.-]+$/.test(queue))
    throw bad(
      `--runner-params queue=${queue} is not a queue name.`,
      "Letters, digits, _, . and -: e.g. queue=kiln",
    );
  return {
    redis,
    queue,
    retries: params.retries === undefined ? 0 : count("retries", params.retries),
    retryDelay: params.retry_delay === undefined ? 0 : count("retry_delay", params.retry_delay),
    groupBy:
      params.group_by === undefined ? "none" : oneOf("group_by", params.group_by, ["none", "namespace"]),
    memory: params.memory === undefined ? "error" : oneOf("memory", params.memory, ["error", "redis"]),
    memoryLimit:
      params.memory_limit === undefined ? 1024 ** 2 : parseSize("memory_limit", params.memory_limit),
  };
}
