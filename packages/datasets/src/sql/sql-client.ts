// One connection to a database, the same shape for SQLite and PostgreSQL, so the datasets do not
// care which they talk to. Values always travel as bound parameters.
import type { ConnectionTarget } from "./connection.js";

/** A result column: its name and type as the database reports it (lower case; null when unknown). */
export interface ResultColumn {
  name: string;
  type: string | null;
}

/**
 * Rows as arrays, in column order. Integers come as `bigint` (exact), other numbers as `number`,
 * booleans as `boolean` (PostgreSQL) or 0n/1n (SQLite), dates and timestamps as `Date` (PostgreSQL)
 * or text (SQLite), text as `string`, NULL as `null`.
 */
export interface QueryResult {
  columns: ResultColumn[];
  rows: unknown[][];
}

export interface SqlClient {
  readonly dialect: ConnectionTarget["dialect"];
  /** Runs one statement with bound parameters; statements that return no rows give no columns. */
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  /** Inserts rows given column by column (`columns` are quoted names, `values[c][r]` a value). */
  insert(table: string, columns: string[], values: unknown[][], rowsPerStatement?: number): Promise<void>;
  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Names of the tables and views in `schema` (default: the connection's default schema). */
  tableNames(schema?: string): Promise<string[]>;
  /** The 1-based line of `sql` a syntax error points at, when the database says. */
  syntaxErrorLine(sql: string, error: unknown): number | undefined;
  /** The placeholder of the `n`-th (1-based) bound parameter. */
  placeholder(n: number): string;
  close(): Promise<void>;
}

/** Opens a connection (the driver is imported on first use). */
export async function openClient(target: ConnectionTarget): Promise<SqlClient> {
  if (target.dialect === "sqlite") return (await import("./sqlite-client.js")).openSqlite(target);
  return (await import("./postgres-client.js")).openPostgres(target);
}
