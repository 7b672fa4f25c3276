import { deserialize, serialize } from "node:v8";
import type { Redis } from "ioredis";
import type { Dataset } from "kiln";
import { DistributedError } from "../errors.js";

/** How long a run's values stay in Redis at most, should the run never clean up (a killed coordinator). */
const TTL_SECONDS = 24 * 60 * 60;

/** Plain data survives the trip; what would arrive changed (functions, class instances) is named. */
export function whyNotStorable(
  value: unknown,
  path = "the value",
  seen = new Set<object>(),
): string | undefined {
  if (typeof value === "function") return `${path} is a function`;
  if (typeof value === "symbol") return `${path} is a symbol`;
  if (value === null || typeof value !== "object" || seen.has(value)) return undefined;
  seen.add(value);
  if (
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof Date ||
    value instanceof RegExp
  )
    return undefined;
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const why = whyNotStorable(k, `a key of ${path}`, seen) ?? whyNotStorable(v, `${path}.get(…)`, seen);
      if (why) return why;
    }
    return undefined;
  }
  if (value instanceof Set) {
    for (const v of value) {
      const why = whyNotStorable(v, `an item of ${path}`, seen);
      if (why) return why;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null && !(value instanceof Error)) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? "a class";
    return `${path} is an instance of ${name}, which would arrive as a plain object`;
  }
  const entries = Object.entries(value);
  // An object with methods (a DataFrame from a factory function, say) would arrive as bare data.
  const method = Array.isArray(value) ? undefined : entries.find(([, v]) => typeof v === "function")?.[0];
  if (method !== undefined)
    return `${path} is an object with methods (${method}, …), which would arrive without them`;
  for (const [k, v] of entries) {
    const why = whyNotStorable(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`, seen);
    if (why) return why;
  }
  return undefined;
}

/**
 * One dataset of a distributed run kept in Redis (`--runner-params memory=redis`), for small values
 * that pass between nodes on different workers: written with Node's structured serialization (plain
 * objects, arrays, typed arrays, Map, Set, Date), at most `limit` bytes, removed when the run no longer
 * needs it (or after a day).
 */
export class RedisDataset implements Dataset {
  /** Its value belongs to one run: a later run (or a resume) cannot reuse it. */
  readonly ephemeral = true;
  readonly crossesThreads = true;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    /** The dataset's name in the catalog, for messages. */
    readonly name: string,
    readonly limit: number,
    /**
     * False to keep the value when the runner releases it (a group job read it: a retry of the group
     * reads it again); the run removes it when it ends.
     */
    private readonly releasable = true,
  ) {}

  async load(): Promise<unknown> {
    const bytes = await this.redis.getBuffer(this.key);
    if (bytes === null) {
      throw new DistributedError(
        "KILN_DISTRIBUTED_NO_VALUE",
        `Dataset "${this.name}" has no value in Redis (${this.key}).`,
        {
          hint: "The node that makes it has not saved it in this run, or the run's data was removed (it is kept for a day). Run the pipeline again from that node.",
        },
      );
    }
    return deserialize(bytes);
  }

  async save(data: unknown): Promise<void> {
    const why = whyNotStorable(data);
    if (why) {
      throw new DistributedError(
        "KILN_DISTRIBUTED_NOT_STORABLE",
        `Dataset "${this.name}" cannot be kept in Redis: ${why}.`,
        {
          hint: "memory=redis carries plain data between workers. Declare the dataset in the catalog on shared storage (a file on a shared folder, S3, a SQL table) instead.",
        },
      );
    }
    const bytes = serialize(data);
    if (bytes.byteLength > this.limit) {
      throw new DistributedError(
        "KILN_DISTRIBUTED_VALUE_TOO_LARGE",
        `Dataset "${this.name}" is ${formatBytes(bytes.byteLength)}, more than the ${formatBytes(this.limit)} a Redis-kept dataset may take.`,
        {
          hint: "Declare it in the catalog on shared storage (a file on a shared folder, S3, a SQL table), or raise the limit: --runner-params memory_limit=8mb.",
        },
      );
    }
    await this.redis.set(this.key, bytes, "EX", TTL_SECONDS);
  }

  async exists(): Promise<boolean> {
    return (await this.redis.exists(this.key)) === 1;
  }

  async release(): Promise<void> {
    if (this.releasable) await this.redis.del(this.key);
  }

  describe(): Record<string, unknown> {
    return { type: "distributed.RedisDataset", key: this.key, limit: this.limit };
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
