import { existsSync } from "node:fs";
import { type Dataset, type DatasetContext, DatasetError, type DatasetPreview } from "kiln";
import type { DataFrame } from "nodejs-polars";
import { loadPolars, type Polars } from "../polars/load-polars.js";
import { previewFrame } from "../tabular-dataset.js";
import { parseValidationRules, type ValidationRules } from "../validation/rules.js";
import { checkFrame } from "../validation/validate-frame.js";
import { frameFromResult } from "./column-types.js";
import { type ConnectionTarget, parseConnection } from "./connection.js";
import { openClient, type SqlClient } from "./sql-client.js";
import { connectError, noTableError, type StatementContext, statementError } from "./sql-errors.js";

/** Catalog keys every SQL dataset takes. */
export const SQL_DATASET_KEYS = ["credentials", "load_args", "metadata", "validate"] as const;

/** The catalog entry keys SQL datasets share. */
export interface SqlDatasetConfig {
  /** Resolved credentials: `con`, the connection string. Never described, logged or put in errors. */
  credentials?: { con?: string; [key: string]: unknown };
  load_args?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  /** Rules checked on load (and, for tables, save): see docs/datasets.md. */
  validate?: unknown;
}

/**
 * The base of the SQL datasets: the connection (parsed once; the password kept private), one
 * connection per operation, database errors turned into Kiln errors, `validate:` rules, describe().
 */
export abstract class SqlDataset<TSave> implements Dataset<DataFrame, TSave> {
  readonly loadArgs: Record<string, unknown>;
  readonly metadata: Record<string, unknown> | undefined;
  readonly rules: ValidationRules | undefined;
  readonly #target: ConnectionTarget;

  constructor(config: SqlDatasetConfig, context: DatasetContext = {}) {
    const credentials = config.credentials;
    if (credentials !== undefined && (typeof credentials !== "object" || credentials === null)) {
      throw new DatasetError("KILN_SQL_BAD_CONNECTION", "`credentials` must be a mapping with `con`.", {
        hint: "credentials: db_credentials, and in conf/local/credentials.yml: db_credentials: { con: sqlite:///data/db.sqlite }",
      });
    }
    this.#target = parseConnection(credentials?.con, context.projectPath);
    this.loadArgs = { ...config.load_args };
    this.metadata = config.metadata;
    this.rules = config.validate === undefined ? undefined : parseValidationRules(config.validate);
  }

  /** What the data is called in messages: `table "shuttles"`, `query queries/top.sql`. */
  protected abstract get label(): string;

  abstract load(): Promise<DataFrame>;
  abstract save(data: TSave): Promise<void>;
  abstract exists(): Promise<boolean>;

  /** The connection string with its password masked: the only form ever shown. */
  get connection(): string {
    return this.#target.display;
  }

  /** Which database it speaks. */
  get dialect(): ConnectionTarget["dialect"] {
    return this.#target.dialect;
  }

  /** True for `sqlite:///:memory:`: the data lives only in this process. */
  get ephemeral(): boolean {
    return this.#target.dialect === "sqlite" && this.#target.path === ":memory:";
  }

  /** False when the SQLite file is not there (nothing has been saved to it); true for servers. */
  protected databaseExists(): boolean {
    const target = this.#target;
    return target.dialect !== "sqlite" || target.path === ":memory:" || existsSync(target.path);
  }

  /** @throws DatasetError `KILN_SQL_NO_DATABASE` when the SQLite file is missing. */
  protected requireDatabase(): void {
    if (this.databaseExists()) return;
    const path = (this.#target as { path: string }).path;
    throw new DatasetError(
      "KILN_SQL_NO_DATABASE",
      `The SQLite database ${path} does not exist (reading ${this.label}).`,
      {
        hint: "Check the path in credentials.con (relative paths are the project's), or run the node that saves to it first.",
      },
    );
  }

  /**
   * Opens a connection, runs `fn`, closes it. Connection and statement errors become Kiln errors
   * (`context` says which statement, for syntax errors) that never contain the password.
   */
  protected async withClient<T>(
    fn: (client: SqlClient) => Promise<T>,
    context: StatementContext = {},
  ): Promise<T> {
    let client: SqlClient;
    try {
      client = await openClient(this.#target);
    } catch (error) {
      throw connectError(error, this.#target);
    }
    try {
      return await fn(client);
    } catch (error) {
      throw await statementError(error, client, this.#target, context);
    } finally {
      await client.close();
    }
  }

  /** The error for a table that is not there, with close table names. */
  protected async noTable(client: SqlClient, table: string, schema?: string): Promise<DatasetError> {
    return noTableError(client, this.#target, table, schema);
  }

  /** Runs a query and returns its rows as a DataFrame. */
  protected async queryFrame(
    client: SqlClient,
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<DataFrame> {
    const pl = await loadPolars();
    return frameFromResult(pl, await client.query(sql, params));
  }

  /** Checks the `validate:` rules that apply `when`. @throws DatasetError `KILN_TABLE_VALIDATION` */
  protected checkRules(pl: Polars, df: DataFrame, when: "load" | "save"): void {
    checkFrame(pl, df, this.rules, when, `${this.label} (${this.connection})`);
  }

  /** First rows and the row count: `select` is the SELECT to preview, run with LIMIT and COUNT(*). */
  protected async previewOf(
    client: SqlClient,
    select: string,
    params: readonly unknown[],
    rows: number,
  ): Promise<DatasetPreview> {
    const limit = client.placeholder(params.length + 1);
    const df = await this.queryFrame(client, `SELECT * FROM (${select}\n) AS kiln_preview LIMIT ${limit}`, [
      ...params,
      rows,
    ]);
    const count = await client.query(`SELECT COUNT(*) FROM (${select}\n) AS kiln_count`, params);
    return { ...previewFrame(df, rows), rowCount: Number(count.rows[0]?.[0] ?? 0) };
  }

  describe(): Record<string, unknown> {
    const out: Record<string, unknown> = { type: this.constructor.name, con: this.connection };
    if (Object.keys(this.loadArgs).length > 0) out.load_args = this.loadArgs;
    if (this.rules) out.validate = { columns: Object.keys(this.rules.columns), on: [...this.rules.on] };
    return out;
  }
}
