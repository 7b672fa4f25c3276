import { randomBytes } from "node:crypto";
import { closestMatches, type DatasetContext, DatasetError, type DatasetPreview, quoteList } from "kiln";
import type { DataFrame } from "nodejs-polars";
import { loadPolars } from "../polars/load-polars.js";
import { requireDataFrame } from "../tabular-dataset.js";
import { bindValues, sqlTypeOf } from "./column-types.js";
import type { SqlClient } from "./sql-client.js";
import { SQL_DATASET_KEYS, SqlDataset, type SqlDatasetConfig } from "./sql-dataset.js";
import { qualifiedName, quoteIdent } from "./sql-text.js";

/** A `sql.SQLTableDataset` catalog entry (Kedro's keys). */
export interface SQLTableDatasetConfig extends SqlDatasetConfig {
  table_name: string;
  save_args?: Record<string, unknown>;
}

const IF_EXISTS = ["fail", "replace", "append"] as const;
type IfExists = (typeof IF_EXISTS)[number];
/** A SQL type name as `save_args.dtype` may give it: words, an optional (n) or (p, s). */
const SQL_TYPE = /^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$/;

function badArg(message: string, hint: string): DatasetError {
  return new DatasetError("KILN_TABLE_BAD_ARG", message, { hint });
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  throw badArg(`${name} must be a string, got ${JSON.stringify(value)}.`, `e.g. ${name}: public`);
}

/**
 * A database table as a Polars DataFrame, in SQLite or PostgreSQL. Saves are transactional:
 * `if_exists: replace` fills a new table and swaps it in, so a failed save leaves the old one.
 * @example
 * new SQLTableDataset({ table_name: "shuttles", credentials: { con: "sqlite:///data/db.sqlite" },
 *   save_args: { if_exists: "replace" } });
 */
export class SQLTableDataset extends SqlDataset<DataFrame> {
  static readonly configKeys = ["table_name", ...SQL_DATASET_KEYS, "save_args"];
  static readonly loadArgs = ["schema", "columns"];
  static readonly saveArgs = ["schema", "if_exists", "chunksize", "dtype"];
  static readonly kedroOnlyArgs = [
    "index",
    "index_label",
    "method",
    "index_col",
    "coerce_float",
    "parse_dates",
    "chunksize",
    "dtype",
    "dtype_backend",
  ];

  readonly tableName: string;
  readonly saveArgs: Record<string, unknown>;
  readonly #columns: string[] | undefined;
  readonly #ifExists: IfExists;
  readonly #dtype: Record<string, string>;

  constructor(config: SQLTableDatasetConfig, context: DatasetContext = {}) {
    super(config, context);
    if (typeof config.table_name !== "string" || config.table_name.length === 0) {
      throw new DatasetError("KILN_SQL_BAD_CONFIG", "SQLTableDataset needs a `table_name`.", {
        hint: "Add `table_name: <table>` to the catalog entry.",
      });
    }
    this.tableName = config.table_name;
    this.saveArgs = { ...config.save_args };
    optionalString(this.loadArgs.schema, "load_args.schema");
    optionalString(this.saveArgs.schema, "save_args.schema");
    const columns = this.loadArgs.columns;
    if (
      columns !== undefined &&
      (!Array.isArray(columns) || columns.length === 0 || columns.some((c) => typeof c !== "string"))
    ) {
      throw badArg(
        `load_args.columns must be a list of column names, got ${JSON.stringify(columns)}.`,
        "columns: [id, price]",
      );
    }
    this.#columns = columns as string[] | undefined;
    const ifExists = this.saveArgs.if_exists ?? "fail";
    if (!IF_EXISTS.includes(ifExists as IfExists)) {
      throw badArg(
        `save_args.if_exists must be one of ${IF_EXISTS.join(", ")}, got ${JSON.stringify(ifExists)}.`,
        "if_exists: replace",
      );
    }
    this.#ifExists = ifExists as IfExists;
    const chunksize = this.saveArgs.chunksize;
    if (chunksize !== undefined && (!Number.isInteger(chunksize) || (chunksize as number) < 1)) {
      throw badArg(
        `save_args.chunksize must be a whole number ≥ 1 (rows per INSERT), got ${JSON.stringify(chunksize)}.`,
        "chunksize: 1000",
      );
    }
    const dtype = this.saveArgs.dtype ?? {};
    if (typeof dtype !== "object" || dtype === null || Array.isArray(dtype)) {
      throw badArg(
        "save_args.dtype must be a mapping of column → SQL type.",
        'dtype: { price: "NUMERIC(10, 2)" }',
      );
    }
    for (const [column, type] of Object.entries(dtype)) {
      if (typeof type !== "string" || !SQL_TYPE.test(type)) {
        throw badArg(
          `save_args.dtype.${column} must be a SQL type name, got ${JSON.stringify(type)}.`,
          'e.g. "VARCHAR(20)", "NUMERIC(10, 2)", "TEXT"',
        );
      }
    }
    this.#dtype = dtype as Record<string, string>;
  }

  protected get label(): string {
    return `table "${this.tableName}"`;
  }

  get #loadSchema(): string | undefined {
    return this.loadArgs.schema as string | undefined;
  }

  get #saveSchema(): string | undefined {
    return this.saveArgs.schema as string | undefined;
  }

  async #hasTable(client: SqlClient, schema: string | undefined): Promise<boolean> {
    return (await client.tableNames(schema)).includes(this.tableName);
  }

  /** The SELECT of the table (its chosen columns, checked against the table's). */
  async #select(client: SqlClient): Promise<string> {
    const schema = this.#loadSchema;
    if (!(await this.#hasTable(client, schema))) throw await this.noTable(client, this.tableName, schema);
    const table = qualifiedName(this.tableName, schema);
    if (!this.#columns) return `SELECT * FROM ${table}`;
    const present = (await client.query(`SELECT * FROM ${table} LIMIT 0`)).columns.map((c) => c.name);
    const missing = this.#columns.filter((c) => !present.includes(c));
    if (missing.length > 0) {
      const near = closestMatches(missing[0]!, present);
      throw badArg(
        `load_args.columns names ${quoteList(missing)}, which ${this.label} does not have; its columns: ${quoteList(present)}.`,
        near.length > 0 ? `Did you mean "${near[0]}"?` : "Fix load_args.columns.",
      );
    }
    return `SELECT ${this.#columns.map((c) => quoteIdent(c, "column name")).join(", ")} FROM ${table}`;
  }

  async load(): Promise<DataFrame> {
    this.requireDatabase();
    const pl = await loadPolars();
    const df = await this.withClient(async (client) => this.queryFrame(client, await this.#select(client)), {
      ...(this.#loadSchema ? { schema: this.#loadSchema } : {}),
    });
    this.checkRules(pl, df, "load");
    return df;
  }

  async save(data: DataFrame): Promise<void> {
    requireDataFrame(data, this.constructor.name);
    const pl = await loadPolars();
    this.checkRules(pl, data, "save");
    if (data.width === 0) {
      throw new DatasetError(
        "KILN_SQL_NO_COLUMNS",
        `A DataFrame with no columns cannot be saved as ${this.label}.`,
        {
          hint: "Check the node that produces it.",
        },
      );
    }
    const unknown = Object.keys(this.#dtype).filter((c) => !data.columns.includes(c));
    if (unknown.length > 0) {
      throw badArg(
        `save_args.dtype names ${quoteList(unknown)}, which the DataFrame does not have.`,
        `Its columns: ${quoteList(data.columns)}.`,
      );
    }
    const columns = data.columns;
    const types = columns.map((c) => this.#dtype[c] ?? sqlTypeOf(this.dialect, c, data.getColumn(c).dtype));
    const values = columns.map((c) => bindValues(pl, data.getColumn(c)));
    const quoted = columns.map((c) => quoteIdent(c, "column name"));
    const schema = this.#saveSchema;
    const chunksize = this.saveArgs.chunksize as number | undefined;
    await this.withClient(
      (client) =>
        client.transaction(async () => {
          const exists = await this.#hasTable(client, schema);
          const table = qualifiedName(this.tableName, schema);
          if (exists && this.#ifExists === "fail") {
            throw new DatasetError(
              "KILN_SQL_TABLE_EXISTS",
              `${this.label} already exists (${this.connection}), and save_args.if_exists is "fail" (the default).`,
              {
                hint: "Set save_args.if_exists: replace (the new data replaces the table) or append, or drop the table first.",
              },
            );
          }
          if (exists && this.#ifExists === "append") {
            await this.#checkAppendColumns(client, table, columns);
            await client.insert(table, quoted, values, chunksize);
            return;
          }
          // A new table is filled first; on replace it is swapped in only when every row is in.
          const name = exists ? `kiln_tmp_${randomBytes(6).toString("hex")}` : this.tableName;
          const created = qualifiedName(name, schema);
          await client.query(
            `CREATE TABLE ${created} (${quoted.map((q, i) => `${q} ${types[i]}`).join(", ")})`,
          );
          await client.insert(created, quoted, values, chunksize);
          if (exists) {
            await client.query(`DROP TABLE ${table}`);
            await client.query(`ALTER TABLE ${created} RENAME TO ${quoteIdent(this.tableName)}`);
          }
        }),
      schema ? { schema } : {},
    );
  }

  async #checkAppendColumns(client: SqlClient, table: string, columns: string[]): Promise<void> {
    const present = (await client.query(`SELECT * FROM ${table} LIMIT 0`)).columns.map((c) => c.name);
    const extra = columns.filter((c) => !present.includes(c));
    if (extra.length === 0) return;
    throw new DatasetError(
      "KILN_SQL_COLUMNS_MISMATCH",
      `Cannot append to ${this.label}: it has no column ${quoteList(extra)} (its columns: ${quoteList(present)}).`,
      {
        hint: "Rename or drop those columns in the node, or use save_args.if_exists: replace to redefine the table.",
      },
    );
  }

  async exists(): Promise<boolean> {
    if (!this.databaseExists()) return false;
    return this.withClient((client) => this.#hasTable(client, this.#loadSchema));
  }

  /** The first rows (a LIMIT query, not a full load), the schema and the row count (COUNT(*)). */
  async preview(options: { rows?: number } = {}): Promise<DatasetPreview> {
    this.requireDatabase();
    return this.withClient(async (client) =>
      this.previewOf(client, await this.#select(client), [], options.rows ?? 10),
    );
  }

  override describe(): Record<string, unknown> {
    const out = super.describe();
    out.table_name = this.tableName;
    if (Object.keys(this.saveArgs).length > 0) out.save_args = this.saveArgs;
    return out;
  }
}
