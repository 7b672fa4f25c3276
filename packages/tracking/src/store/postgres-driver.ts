import { scrubSecrets } from "kiln";
import type { Pool, PoolClient } from "pg";
import { TrackingError } from "../errors.js";
import { loadDriver, type PgModule } from "./drivers.js";
import { type SqlDriver, type SqlExecutor, storeFailed, withRetries } from "./sql-driver.js";

/** Serialization failures, deadlocks and a full server: the transaction is tried again. */
const RETRY_CODES = new Set(["40001", "40P01", "55P03", "53300"]);
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ECONNRESET",
]);
const LOGIN = new Set(["28P01", "28000", "3D000"]);

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && RETRY_CODES.has(code);
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the store's SQL has no `?` inside literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function bindable(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value === undefined) return null;
  if (typeof value === "number" && Number.isNaN(value)) return null;
  return value;
}

/**
 * A PostgreSQL database through a small pool. BIGINT columns come back as numbers (times in
 * milliseconds fit), without touching pg's process-wide type parsers. The pool lets the process
 * exit when idle, so a `kiln run` never hangs on it.
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = "postgresql" as const;
  readonly #pool: Pool;
  readonly #secrets: string[];

  private constructor(
    pool: Pool,
    readonly display: string,
    secrets: string[],
  ) {
    this.#pool = pool;
    this.#secrets = secrets;
  }

  /**
   * Connects to `uri` (checking the login once, so a wrong one fails here).
   * @throws TrackingError `KILN_TRACKING_STORE_UNREACHABLE` (no server answers) or
   *   `KILN_TRACKING_STORE_CONNECT` (login or database refused), never showing the password.
   */
  static async open(uri: string, display: string, secrets: string[]): Promise<PostgresDriver> {
    const pg = await loadDriver<PgModule>("pg");
    const pool = new pg.Pool({
      connectionString: uri,
      max: 4,
      idleTimeoutMillis: 2_000,
      connectionTimeoutMillis: 30_000,
      allowExitOnIdle: true,
      types: {
        getTypeParser: ((oid: number, format?: "text" | "binary") =>
          oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as never,
      },
    });
    pool.on("error", () => {}); // an idle client's lost connection: the next query reconnects
    const driver = new PostgresDriver(pool, display, secrets);
    try {
      const client = await withRetries(display, isRetryable, () => pool.connect());
      client.release();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw driver.#connectError(error);
    }
    return driver;
  }

  #scrub = (text: string) => scrubSecrets(text, this.#secrets);

  #connectError(error: unknown): TrackingError {
    const code = String((error as { code?: unknown }).code ?? "");
    const reason = this.#scrub((error as Error).message ?? String(error));
    if (UNREACHABLE.has(code) || /timeout/i.test(reason)) {
      return new TrackingError(
        "KILN_TRACKING_STORE_UNREACHABLE",
        `No PostgreSQL server answers for the tracking store ${this.display}: ${reason}`,
        {
          cause: error,
          hint: "Check the host and port of the connection string (store.credentials in tracking.yml), and that the server is running.",
        },
      );
    }
    if (LOGIN.has(code)) {
      return new TrackingError(
        "KILN_TRACKING_STORE_CONNECT",
        `The tracking store ${this.display} refused the connection: ${reason}`,
        {
          cause: error,
          hint: "Check the user, password and database of the connection string in credentials.yml (store.credentials in tracking.yml).",
        },
      );
    }
    return storeFailed(this.display, error, this.#scrub);
  }

  #on(client: Pool | PoolClient): SqlExecutor {
    return {
      run: async (sql, params = []) =>
        (await client.query(numberPlaceholders(sql), params.map(bindable))).rowCount ?? 0,
      all: async <T>(sql: string, params: readonly unknown[] = []) =>
        (await client.query(numberPlaceholders(sql), params.map(bindable))).rows as T[],
    };
  }

  #guarded<T>(fn: () => Promise<T>): Promise<T> {
    return withRetries(this.display, isRetryable, fn).catch((error: unknown) => {
      throw storeFailed(this.display, error, this.#scrub);
    });
  }

  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.#guarded(() => this.#on(this.#pool).run(sql, params));
  }

  all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.#guarded(() => this.#on(this.#pool).all<T>(sql, params));
  }

  transaction<T>(body: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#guarded(async () => {
      const client = await this.#pool.connect();
      let broken = false;
      try {
        await client.query("BEGIN");
        const result = await body(this.#on(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {
          broken = true; // the connection is gone: do not hand it out again
        });
        throw error;
      } finally {
        client.release(broken);
      }
    });
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
