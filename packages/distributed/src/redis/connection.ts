import { Redis } from "ioredis";
import { DistributedError } from "../errors.js";
import { shownUrl } from "./redis-url.js";

export { defaultRedisUrl, shownUrl } from "./redis-url.js";

/**
 * Opens a Redis connection as BullMQ needs it (commands wait for a reconnect instead of failing) and
 * checks, within `timeoutMs`, that Redis answers.
 * @throws DistributedError `KILN_DISTRIBUTED_REDIS_UNREACHABLE` naming the URL (password hidden) and why.
 */
export async function connectRedis(url: string, options: { timeoutMs?: number } = {}): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: 5000 });
  // ioredis reports connection trouble as events; the check below turns the first one into the error.
  let lastError: Error | undefined;
  const onError = (error: Error) => {
    lastError = error;
  };
  redis.on("error", onError);
  const timeoutMs = options.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(lastError ?? new Error(`no answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    redis.disconnect();
    // connect() says only "Connection is closed."; the socket's own error says why.
    const cause = lastError ?? error;
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new DistributedError(
      "KILN_DISTRIBUTED_REDIS_UNREACHABLE",
      `Could not reach Redis at ${shownUrl(url)} (${reason}).`,
      {
        hint: "Start Redis there (e.g. redis-server), or point Kiln at yours: --runner-params redis=redis://host:6379 for kiln run, --redis for kiln worker and kiln schedule, or KILN_REDIS_URL for all.",
        cause,
      },
    );
  } finally {
    clearTimeout(timer);
  }
  redis.off("error", onError);
  // Later trouble is reconnected by ioredis; without a listener Node would treat it as uncaught.
  redis.on("error", () => {});
  return redis;
}
