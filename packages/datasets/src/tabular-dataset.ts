import { readFile, writeFile } from "node:fs/promises";
import {
  DatasetError,
  type DatasetPreview,
  FILE_DATASET_KEYS,
  FileDataset,
  type FileDatasetConfig,
} from "kiln";
import type { DataFrame } from "nodejs-polars";
import { loadPolars, type Polars } from "./polars/load-polars.js";
import { parseValidationRules, type ValidationRules } from "./validation/rules.js";
import { checkFrame } from "./validation/validate-frame.js";

/** Catalog keys of every tabular file dataset: the file keys plus `validate`. */
export const TABULAR_DATASET_KEYS = [...FILE_DATASET_KEYS, "validate"] as const;

/** A tabular file dataset's catalog entry. */
export interface TabularDatasetConfig extends FileDatasetConfig {
  /** Rules checked on load and save (see docs/datasets.md). */
  validate?: unknown;
}

/** True for a nodejs-polars DataFrame (checked by shape: the project may load its own copy of the module). */
export function isDataFrame(value: unknown): value is DataFrame {
  const v = value as DataFrame | null;
  return typeof v === "object" && v !== null && typeof v.writeIPC === "function" && Array.isArray(v.columns);
}

/** Describes what was given instead of a DataFrame, for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return `an object (${(value as object).constructor?.name ?? "no class"})`;
  return `a ${typeof value}`;
}

/**
 * Refuses anything but a DataFrame, naming the dataset type that was given it.
 * @throws DatasetError `KILN_TABLE_NOT_A_DATAFRAME`
 */
export function requireDataFrame(data: unknown, datasetType: string): asserts data is DataFrame {
  if (!isDataFrame(data)) {
    throw new DatasetError(
      "KILN_TABLE_NOT_A_DATAFRAME",
      `${datasetType} saves a Polars DataFrame, but got ${describeValue(data)}.`,
      { hint: "Return a DataFrame from the node: pl.DataFrame(columns) or pl.readRecords(rows)." },
    );
  }
}

/**
 * The base of datasets that hold one Polars DataFrame in one file: validation on load and save,
 * `preview()`, and a clear error when a node saves something that is not a DataFrame. Subclasses
 * turn bytes into a DataFrame and back.
 */
export abstract class TabularDataset<TSave = DataFrame> extends FileDataset<DataFrame, TSave> {
  readonly rules: ValidationRules | undefined;

  constructor(config: TabularDatasetConfig) {
    super(config);
    this.rules = config.validate === undefined ? undefined : parseValidationRules(config.validate);
  }

  /** Bytes of the file → a DataFrame. */
  protected abstract read(pl: Polars, bytes: Uint8Array): DataFrame | Promise<DataFrame>;
  /** A DataFrame → the file's bytes. */
  protected abstract write(pl: Polars, df: DataFrame): Uint8Array | Promise<Uint8Array>;

  /** What the file format is called in messages ("CSV", "Parquet"). */
  protected abstract readonly format: string;

  /**
   * Local files with these extensions are read by path, so their bytes never pass through
   * JavaScript (nodejs-polars decides "path or content" by the extension, so only these qualify).
   */
  protected readonly pathExtensions: readonly string[] = [];
  /** Reads a local file by path (see {@link pathExtensions}). */
  protected readPath?(pl: Polars, path: string): DataFrame;
  /** Writes a DataFrame straight to a local path. */
  protected writePath?(pl: Polars, df: DataFrame, path: string): void;

  protected override async decode(bytes: Uint8Array): Promise<DataFrame> {
    const pl = await loadPolars();
    return this.#reading(pl, () => this.read(pl, bytes));
  }

  protected override async readLocalFile(path: string): Promise<DataFrame> {
    const pl = await loadPolars();
    const readPath = this.readPath?.bind(this);
    if (readPath && this.pathExtensions.some((ext) => path.endsWith(ext))) {
      return this.#reading(pl, () => readPath(pl, path));
    }
    const bytes = await readFile(path);
    return this.#reading(pl, () => this.read(pl, bytes));
  }

  protected override async writeLocalFile(data: TSave, path: string): Promise<void> {
    const writePath = this.writePath?.bind(this);
    if (!writePath || !isDataFrame(data)) {
      await writeFile(path, await this.encode(data));
      return;
    }
    const pl = await loadPolars();
    this.checkRules(pl, data, "save");
    await this.writing(() => {
      writePath(pl, data, path);
      return new Uint8Array();
    });
  }

  async #reading(pl: Polars, read: () => DataFrame | Promise<DataFrame>): Promise<DataFrame> {
    let df: DataFrame;
    try {
      df = await read();
    } catch (error) {
      if (error instanceof DatasetError) throw error;
      throw new DatasetError(
        "KILN_TABLE_READ",
        `Could not read ${this.filepath} as ${this.format}: ${(error as Error).message}`,
        {
          cause: error,
          hint: `Check that the file is complete, valid ${this.format}, and that load_args match it.`,
        },
      );
    }
    this.checkRules(pl, df, "load");
    return df;
  }

  protected override async encode(data: TSave): Promise<Uint8Array> {
    requireDataFrame(data, this.constructor.name);
    const pl = await loadPolars();
    this.checkRules(pl, data, "save");
    return this.writing(() => this.write(pl, data));
  }

  /** Runs a write, turning the engine's errors into `KILN_TABLE_WRITE` naming the file. */
  protected async writing(write: () => Uint8Array | Promise<Uint8Array>): Promise<Uint8Array> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof DatasetError) throw error;
      throw new DatasetError(
        "KILN_TABLE_WRITE",
        `Could not write ${this.filepath} as ${this.format}: ${(error as Error).message}`,
        { cause: error, hint: "Check save_args, and that the DataFrame's column types fit the format." },
      );
    }
  }

  /** Checks the `validate:` rules that apply `when`. @throws DatasetError `KILN_TABLE_VALIDATION` */
  protected checkRules(pl: Polars, df: DataFrame, when: "load" | "save"): void {
    checkFrame(pl, df, this.rules, when, this.filepath);
  }

  /** The first rows, the schema and the row count. */
  async preview(options: { rows?: number } = {}): Promise<DatasetPreview> {
    return previewFrame(await this.load(), options.rows ?? 10);
  }

  override describe(): Record<string, unknown> {
    const out = super.describe();
    if (this.rules) out.validate = { columns: Object.keys(this.rules.columns), on: [...this.rules.on] };
    return out;
  }
}

/** A DataFrame as the viz and the CLI show it: first rows (JSON-safe), dtypes, row count. */
export function previewFrame(df: DataFrame, rows: number): DatasetPreview {
  const schema: Record<string, string> = {};
  for (const column of df.columns) schema[column] = df.getColumn(column).dtype.variant;
  const data = df
    .head(rows)
    .toRecords()
    .map((record) => {
      const row: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(record)) {
        const v: unknown = value;
        row[key] = typeof v === "bigint" ? v.toString() : v instanceof Date ? v.toISOString() : v;
      }
      return row;
    });
  return { kind: "table", data, schema, rowCount: df.height };
}
