import { type DatasetContext, DatasetError, type DatasetPreview, getFileSystem } from "kiln";
import type { DataFrame } from "nodejs-polars";
import { loadPolars } from "../polars/load-polars.js";
import { previewFrame } from "../tabular-dataset.js";
import { SQL_DATASET_KEYS, SqlDataset, type SqlDatasetConfig } from "./sql-dataset.js";
import { bindNamed, withoutTrailingSemicolons } from "./sql-text.js";

/** A `sql.SQLQueryDataset` catalog entry (Kedro's keys). */
export interface SQLQueryDatasetConfig extends SqlDatasetConfig {
  /** The query itself… */
  sql?: string;
  /** …or a .sql file holding it (local, HTTP or S3; relative paths are the project's). */
  filepath?: string;
  /** Storage options for reading `filepath`. */
  fs_args?: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The result of one SQL query as a Polars DataFrame, in SQLite or PostgreSQL. Read-only.
 * `load_args.params` binds values: a list for the database's own placeholders (`?` in SQLite,
 * `$1` in PostgreSQL), or a mapping for `:name` placeholders in either.
 * @example
 * new SQLQueryDataset({ filepath: "queries/top_shuttles.sql", load_args: { params: { min_rating: 4 } },
 *   credentials: { con: "postgresql://kiln@localhost/kiln" } });
 */
export class SQLQueryDataset extends SqlDataset<never> {
  static readonly configKeys = ["sql", "filepath", "fs_args", ...SQL_DATASET_KEYS];
  static readonly loadArgs = ["params"];
  static readonly kedroOnlyArgs = [
    "execution_options",
    "chunksize",
    "coerce_float",
    "index_col",
    "parse_dates",
    "dtype",
    "dtype_backend",
  ];

  readonly sql: string | undefined;
  readonly filepath: string | undefined;
  readonly #fsArgs: Record<string, unknown>;

  constructor(config: SQLQueryDatasetConfig, context: DatasetContext = {}) {
    super(config, context);
    const { sql, filepath } = config;
    if ((sql === undefined) === (filepath === undefined)) {
      throw new DatasetError(
        "KILN_SQL_BAD_CONFIG",
        sql === undefined
          ? "SQLQueryDataset needs `sql` (the query) or `filepath` (a .sql file)."
          : "SQLQueryDataset takes `sql` or `filepath`, not both.",
        { hint: 'e.g. sql: "SELECT shuttle, shuttle_id FROM shuttles", or filepath: queries/shuttles.sql' },
      );
    }
    for (const [key, value] of Object.entries({ sql, filepath })) {
      if (value !== undefined && (typeof value !== "string" || value.trim() === "")) {
        throw new DatasetError(
          "KILN_SQL_BAD_CONFIG",
          `SQLQueryDataset's \`${key}\` must be a non-empty string.`,
          {
            hint: key === "sql" ? 'sql: "SELECT * FROM shuttles"' : "filepath: queries/shuttles.sql",
          },
        );
      }
    }
    this.sql = sql;
    this.filepath = filepath;
    this.#fsArgs = { ...config.fs_args };
    const params = this.loadArgs.params;
    if (params !== undefined && !Array.isArray(params) && !isRecord(params)) {
      throw new DatasetError(
        "KILN_SQL_BAD_PARAMS",
        "load_args.params must be a list (positional) or a mapping (:name).",
        {
          hint: "params: { min_rating: 4 } with `WHERE rating >= :min_rating` in the query",
        },
      );
    }
  }

  protected get label(): string {
    return this.filepath ? `query ${this.filepath}` : "query";
  }

  /** The query text (read from `filepath` on every load, so edits are picked up). */
  async #text(): Promise<string> {
    if (this.sql !== undefined) return this.sql;
    const fs = await getFileSystem(this.filepath!, { fsArgs: this.#fsArgs });
    return new TextDecoder().decode(await fs.read(this.filepath!));
  }

  /** The query as sent (named parameters made positional) and its values. */
  async #statement(): Promise<{ text: string; values: unknown[] }> {
    const text = await this.#text();
    const params = this.loadArgs.params;
    if (params === undefined) return { text, values: [] };
    if (Array.isArray(params)) return { text, values: params };
    return bindNamed(text, params as Record<string, unknown>, this.dialect);
  }

  #context(text: string) {
    return { sql: text, ...(this.filepath ? { file: this.filepath } : {}) };
  }

  async load(): Promise<DataFrame> {
    this.requireDatabase();
    const pl = await loadPolars();
    const { text, values } = await this.#statement();
    const df = await this.withClient((client) => this.queryFrame(client, text, values), this.#context(text));
    this.checkRules(pl, df, "load");
    return df;
  }

  async save(_data: never): Promise<void> {
    throw new DatasetError(
      "KILN_SQL_READ_ONLY",
      `SQLQueryDataset is read-only: it loads the result of a ${this.label}, and cannot save.`,
      {
        hint: "Save the node's output to a sql.SQLTableDataset (table_name: …), and query that table here if needed.",
      },
    );
  }

  /** True when the query can be read: inline, or its .sql file exists. */
  async exists(): Promise<boolean> {
    if (this.sql !== undefined) return true;
    return (await getFileSystem(this.filepath!, { fsArgs: this.#fsArgs })).exists(this.filepath!);
  }

  /** The first rows and the row count, by wrapping the query (LIMIT, COUNT(*)); a query that cannot be wrapped is loaded whole. */
  async preview(options: { rows?: number } = {}): Promise<DatasetPreview> {
    this.requireDatabase();
    const rows = options.rows ?? 10;
    const { text, values } = await this.#statement();
    try {
      return await this.withClient((client) =>
        this.previewOf(client, withoutTrailingSemicolons(text), values, rows),
      );
    } catch {
      return previewFrame(await this.load(), rows);
    }
  }

  override describe(): Record<string, unknown> {
    const out = super.describe();
    if (this.filepath) out.filepath = this.filepath;
    else out.sql = this.sql;
    return out;
  }
}
