import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { loadDriver, type SqliteModule } from "./drivers.js";
import { type SqlDriver, type SqlExecutor, storeFailed, withRetries } from "./sql-driver.js";

/** How long SQLite itself waits for a lock before reporting it busy (then we retry with backoff). */
const BUSY_TIMEOUT_MS = 250;

/** Contention another process will end (a lock, a snapshot gone stale): retried. */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^SQLITE_(BUSY|LOCKED|PROTOCOL)(_|$)/.test(code);
}

function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number" && Number.isNaN(value)) return null;
  return value;
}

/** One open database file, shared by every driver of this process that opens it. */
class Connection {
  readonly statements = new Map<string, BetterSqlite3.Statement>();
  tail: Promise<unknown> = Promise.resolve();
  refs = 0;
  constructor(readonly db: BetterSqlite3.Database) {}

  /** Runs `fn` after every earlier call on this connection has finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

// One connection per file and process: two connections of one thread would wait for each other
// synchronously inside SQLite's busy handler, blocking the very event loop that would free the lock.
const connections = new Map<string, Promise<Connection>>();

async function connect(path: string, display: string): Promise<Connection> {
  const Database = await loadDriver<SqliteModule>("better-sqlite3");
  try {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    // Switching to WAL needs a moment alone with the file: another process may be opening it too.
    await withRetries(display, isSqliteBusy, async () => {
      db.pragma("journal_mode = WAL");
    });
    db.pragma("synchronous = NORMAL"); // durable at each commit in WAL; fsync at checkpoints
    db.pragma("foreign_keys = ON");
    return new Connection(db);
  } catch (error) {
    throw storeFailed(display, error, (t) => t);
  }
}

/**
 * A SQLite file in WAL mode: readers never wait for writers, one writer at a time across processes.
 * Writes take the lock up front (`BEGIN IMMEDIATE`), so a transaction never fails half-way on an
 * upgrade; a busy database is retried with backoff. Within a process, statements on one file are
 * queued on one shared connection, since a connection holds one transaction at a time.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = "sqlite" as const;
  readonly #connection: Connection;
  #closed = false;

  private constructor(
    connection: Connection,
    readonly display: string,
  ) {
    this.#connection = connection;
  }

  /** Opens (creating when missing) the database file at `path` in WAL mode. */
  static async open(path: string, display: string): Promise<SqliteDriver> {
    let pending = connections.get(path);
    if (!pending) {
      pending = connect(path, display);
      connections.set(path, pending);
      pending.catch(() => connections.delete(path));
    }
    const connection = await pending;
    connection.refs++;
    return new SqliteDriver(connection, display);
  }

  #statement(sql: string): BetterSqlite3.Statement {
    const { statements, db } = this.#connection;
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      statements.set(sql, stmt);
    }
    return stmt;
  }

  readonly #direct: SqlExecutor = {
    run: async (sql, params = []) => this.#statement(sql).run(...params.map(bindable)).changes,
    all: async <T>(sql: string, params: readonly unknown[] = []) =>
      this.#statement(sql).all(...params.map(bindable)) as T[],
  };

  #guarded<T>(fn: () => Promise<T>): Promise<T> {
    return this.#connection.exclusive(() =>
      withRetries(this.display, isSqliteBusy, fn).catch((error: unknown) => {
        throw storeFailed(this.display, error, (t) => t);
      }),
    );
  }

  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.#guarded(() => this.#direct.run(sql, params));
  }

  all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.#guarded(() => this.#direct.all<T>(sql, params));
  }

  transaction<T>(body: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const { db } = this.#connection;
    return this.#guarded(async () => {
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = await body(this.#direct);
        db.exec("COMMIT");
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  /** Lets go of the connection; the last driver of the file closes it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const connection = this.#connection;
    await connection.exclusive(async () => {
      if (--connection.refs > 0) return;
      for (const [path, pending] of connections) if ((await pending) === connection) connections.delete(path);
      if (connection.db.open) connection.db.close();
    });
  }
}
