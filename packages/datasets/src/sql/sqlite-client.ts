import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Database } from "better-sqlite3";
import type { SqliteTarget } from "./connection.js";
import { driverMissing, loadDriver, type SqliteModule } from "./drivers.js";
import type { QueryResult, SqlClient } from "./sql-client.js";

/** SQLite's limit on bound parameters per statement (SQLITE_MAX_VARIABLE_NUMBER since 3.32). */
const MAX_PARAMS = 32766;

/** The process's in-memory database, and a queue so one operation (and transaction) runs at a time on it. */
let memory: Promise<{ db: Database; queue: Promise<void> }> | undefined;

function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

class SqliteClient implements SqlClient {
  readonly dialect = "sqlite";
  readonly #db: Database;
  readonly #release: () => void;

  constructor(db: Database, release: () => void) {
    this.#db = db;
    this.#release = release;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    const statement = this.#db.prepare(sql);
    const values = params.map(bindable);
    if (!statement.reader) {
      statement.run(...values);
      return { columns: [], rows: [] };
    }
    statement.safeIntegers(true).raw(true);
    const columns = statement.columns().map((c) => ({ name: c.name, type: c.type?.toLowerCase() ?? null }));
    return { columns, rows: statement.all(...values) as unknown[][] };
  }

  async insert(table: string, columns: string[], values: unknown[][], rowsPerStatement = 1): Promise<void> {
    const rows = values[0]?.length ?? 0;
    const perRow = columns.length;
    const batch = Math.max(1, Math.min(rowsPerStatement, Math.floor(MAX_PARAMS / perRow), rows));
    const tuple = `(${columns.map(() => "?").join(", ")})`;
    const prefix = `INSERT INTO ${table} (${columns.join(", ")}) VALUES `;
    const full = this.#db.prepare(prefix + Array(batch).fill(tuple).join(", "));
    const args: unknown[] = new Array(batch * perRow);
    let r = 0;
    for (; r + batch <= rows; r += batch) {
      for (let b = 0; b < batch; b++)
        for (let c = 0; c < perRow; c++) args[b * perRow + c] = bindable(values[c]![r + b]);
      full.run(args);
    }
    if (r < rows) {
      const rest = rows - r;
      const tail = this.#db.prepare(prefix + Array(rest).fill(tuple).join(", "));
      tail.run(
        Array.from({ length: rest * perRow }, (_, i) =>
          bindable(values[i % perRow]![r + Math.floor(i / perRow)]),
        ),
      );
    }
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const result = await fn();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      if (this.#db.inTransaction) this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  async tableNames(schema = "main"): Promise<string[]> {
    const master =
      schema === "temp" ? "sqlite_temp_master" : `"${schema.replaceAll('"', '""')}".sqlite_master`;
    return (
      this.#db
        .prepare(
          `SELECT name FROM ${master} WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`,
        )
        .pluck()
        .all() as string[]
    ).sort();
  }

  /** SQLite gives no position: the first line whose prefix of the query fails with the same message. */
  syntaxErrorLine(sql: string, error: unknown): number | undefined {
    const message = (error as Error).message;
    if (/incomplete input/.test(message)) return sql.replace(/\s+$/, "").split("\n").length;
    const lines = sql.split("\n");
    for (let n = 1; n <= lines.length; n++) {
      try {
        this.#db.prepare(lines.slice(0, n).join("\n"));
      } catch (e) {
        if ((e as Error).message === message) return n;
      }
    }
    return undefined;
  }

  placeholder(): string {
    return "?";
  }

  async close(): Promise<void> {
    this.#release();
  }
}

async function openDatabase(path: string): Promise<Database> {
  const Database = await loadDriver<SqliteModule>("better-sqlite3");
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  try {
    return new Database(path);
  } catch (error) {
    // The JavaScript part imports without the compiled addon; opening a database is where it is missing.
    if (
      /bindings|NODE_MODULE_VERSION|ERR_DLOPEN_FAILED|invalid ELF/i.test(
        `${(error as Error).message} ${(error as { code?: string }).code}`,
      )
    ) {
      throw driverMissing("better-sqlite3", error);
    }
    throw error;
  }
}

/** Opens the SQLite file (creating it and its folder) or the process's shared in-memory database. */
export async function openSqlite(target: SqliteTarget): Promise<SqlClient> {
  if (target.path !== ":memory:") {
    const db = await openDatabase(target.path);
    return new SqliteClient(db, () => db.close());
  }
  memory ??= openDatabase(":memory:").then(
    (db) => ({ db, queue: Promise.resolve() }),
    (error: unknown) => {
      memory = undefined;
      throw error;
    },
  );
  const shared = await memory;
  const previous = shared.queue;
  let release!: () => void;
  shared.queue = new Promise((resolve) => {
    release = resolve;
  });
  await previous;
  return new SqliteClient(shared.db, release);
}
