import { TrackingError } from "../errors.js";

/** Statements with `?` placeholders, run against one database. */
export interface SqlExecutor {
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/**
 * A database connection the SQL store writes through. SQL is written once, for both dialects:
 * `?` placeholders, `INSERT … ON CONFLICT`, `RETURNING`, and column types both understand
 * (TEXT, BIGINT, DOUBLE PRECISION, SMALLINT).
 */
export interface SqlDriver extends SqlExecutor {
  readonly dialect: "sqlite" | "postgresql";
  /** The store as messages may show it (no password). */
  readonly display: string;
  /**
   * Runs `body` in one write transaction. On contention (a lock held by another process, a
   * serialization failure) the transaction is rolled back and `body` runs again, so it must only
   * talk to the database through `tx`.
   */
  transaction<T>(body: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** How long a writer keeps retrying a busy store before giving up (default 60 s). */
export const RETRY_DEADLINE_MS = 60_000;

/** The next wait before a retry: exponential from 5 ms, capped at 250 ms, with jitter so writers spread out. */
export function backoff(attempt: number): number {
  const base = Math.min(250, 5 * 2 ** Math.min(attempt, 10));
  return base / 2 + Math.random() * base;
}

/**
 * Runs `attempt` until it succeeds, retrying errors `retryable` says are contention with growing
 * waits until `deadlineMs` has passed.
 * @throws TrackingError `KILN_TRACKING_STORE_BUSY` when the store stayed busy.
 */
export async function withRetries<T>(
  display: string,
  retryable: (error: unknown) => boolean,
  attempt: () => Promise<T>,
  deadlineMs = RETRY_DEADLINE_MS,
): Promise<T> {
  const started = Date.now();
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!retryable(error)) throw error;
      if (Date.now() - started > deadlineMs) {
        throw new TrackingError(
          "KILN_TRACKING_STORE_BUSY",
          `The tracking store ${display} stayed busy for ${deadlineMs >= 1000 ? `${Math.round(deadlineMs / 1000)} s` : `${deadlineMs} ms`} (${(error as Error).message}).`,
          {
            cause: error,
            hint: "Another process holds it for a long time: look for a stuck kiln run, or move a large team to a PostgreSQL store (store.credentials in tracking.yml).",
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, backoff(n)));
    }
  }
}

/** A database error as a TrackingError naming the store; TrackingErrors pass through. */
export function storeFailed(display: string, error: unknown, scrub: (text: string) => string): TrackingError {
  if (error instanceof TrackingError) return error;
  const reason = scrub(error instanceof Error ? error.message : String(error));
  return new TrackingError("KILN_TRACKING_STORE_FAILED", `The tracking store ${display} failed: ${reason}`, {
    cause: error,
    hint: "Check that the store is reachable and writable, and that no other program changed its tables (kiln tracking runs reads it).",
  });
}
