// `kiln models serve --log-inputs DEST`: a sample of the rows the model is asked to predict, written
// as Parquet parts under DEST (a folder, local or s3://) for `kiln monitor drift --current DEST`.
import { randomUUID } from "node:crypto";
import { type FileSystem, getFileSystem, type Logger } from "kiln";
import type pl from "nodejs-polars";
import { isDataFrame } from "../model/conform-input.js";
import type { LoadedModel } from "../model-types.js";

type Polars = typeof pl;

/** What to log, where, and how often to write. */
export interface InputLogOptions {
  /** A folder: local path, `file://`, or `s3://bucket/prefix`. */
  destination: string;
  /** Share of predictions whose rows are kept, 0 < rate ≤ 1 (default 1: all). */
  sampleRate?: number;
  /** A part is written once this many rows wait (default 1,000). */
  flushRows?: number;
  /** … or this long after the first waiting row (default 10 s). */
  flushIntervalMs?: number;
  /** Rows kept while the destination cannot be written; the oldest are dropped beyond it (default 100,000). */
  maxBufferedRows?: number;
}

/** The column each logged row gets: when it was served (UTC, milliseconds). */
export const SERVED_AT = "_served_at";

/** A part's file name: sorts by time, unique across processes and restarts. */
function partName(now: Date, seq: number): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(".", "");
  return `inputs-${stamp}-${process.pid}-${String(seq).padStart(6, "0")}-${randomUUID().slice(0, 8)}.parquet`;
}

/** Rows waiting to be written that share their columns and types. */
interface RowGroup {
  schema: Record<string, pl.DataType>;
  rows: Record<string, unknown>[];
}

/**
 * Buffers sampled input rows and writes them as Parquet parts. Rows are kept as plain records, not
 * frames: holding thousands of small nodejs-polars DataFrames, and stacking them, costs seconds of
 * garbage collection. A write that fails keeps the rows for the next try (with a warning);
 * `close()` writes what is left.
 */
export class InputLog {
  readonly #pl: Polars;
  readonly #fs: FileSystem;
  readonly #options: Required<InputLogOptions>;
  readonly #logger: Logger;
  /** Waiting rows by their columns and types (requests without a signature may differ). */
  #groups = new Map<string, RowGroup>();
  #rows = 0;
  #seq = 0;
  #dropped = 0;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  /** Rows written so far, and parts. */
  written = { rows: 0, parts: 0 };

  private constructor(p: Polars, fs: FileSystem, options: Required<InputLogOptions>, logger: Logger) {
    this.#pl = p;
    this.#fs = fs;
    this.#options = options;
    this.#logger = logger;
  }

  /** Opens the destination's storage; nothing is written until rows arrive. */
  static async open(options: InputLogOptions, logger: Logger): Promise<InputLog> {
    const p = (await import("nodejs-polars")).default;
    const fs = await getFileSystem(options.destination);
    const full: Required<InputLogOptions> = {
      sampleRate: 1,
      flushRows: 1000,
      flushIntervalMs: 10_000,
      maxBufferedRows: 100_000,
      ...options,
      destination: options.destination.replace(/\/+$/, ""),
    };
    return new InputLog(p, fs, full, logger);
  }

  get destination(): string {
    return this.#options.destination;
  }

  /** Keeps `frame`'s rows with the sample rate's chance; writes a part when enough wait. */
  record(frame: pl.DataFrame): void {
    if (frame.height === 0) return;
    if (this.#options.sampleRate < 1 && Math.random() >= this.#options.sampleRate) return;
    // Keyed by columns and types: a part is written with its rows' types, and reading values into
    // another type would change them silently (2.5 into an integer column is 2).
    const types = frame.dtypes;
    const key = frame.columns.map((c, i) => `${c}:${String(types[i])}`).join("\u0000");
    let group = this.#groups.get(key);
    if (!group) {
      const schema = Object.fromEntries(frame.columns.map((c, i) => [c, types[i]!]));
      schema[SERVED_AT] = this.#pl.Datetime("ms");
      group = { schema, rows: [] };
      this.#groups.set(key, group);
    }
    const at = new Date();
    for (const row of frame.toRecords() as Record<string, unknown>[]) {
      row[SERVED_AT] = at;
      group.rows.push(row);
    }
    this.#rows += frame.height;
    if (this.#rows >= this.#options.flushRows) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushIntervalMs).unref();
  }

  /** Writes every waiting row, a part per set of columns (after any write in progress). */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#writeWaiting());
    return this.#flushing;
  }

  async #writeWaiting(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const group of this.#groups.values()) {
      if (group.rows.length === 0) continue;
      const rows = group.rows;
      group.rows = [];
      this.#rows -= rows.length;
      await this.#writePart(group, rows);
    }
  }

  async #writePart(group: RowGroup, rows: Record<string, unknown>[]): Promise<void> {
    const path = `${this.#options.destination}/${partName(new Date(), this.#seq++)}`;
    try {
      await this.#fs.write(path, this.#frame(group, rows).writeParquet());
      this.written.rows += rows.length;
      this.written.parts++;
    } catch (error) {
      // Keep the rows for the next try, the oldest dropped beyond the limit.
      group.rows = [...rows, ...group.rows];
      this.#rows += rows.length;
      const over = Math.min(this.#rows - this.#options.maxBufferedRows, group.rows.length);
      if (over > 0) {
        group.rows.splice(0, over);
        this.#rows -= over;
        this.#dropped += over;
      }
      this.#logger.warn(
        `Could not write logged inputs to ${path}: ${(error as Error).message}. ${this.#rows} rows wait for the next try${this.#dropped > 0 ? `; ${this.#dropped} dropped so far (over ${this.#options.maxBufferedRows} waiting)` : ""}.`,
      );
      this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushIntervalMs).unref();
    }
  }

  /** The rows as one DataFrame, typed as the frames they came from. */
  #frame(group: RowGroup, rows: Record<string, unknown>[]): pl.DataFrame {
    return this.#pl.readRecords(rows, { schema: group.schema });
  }

  /** Writes what waits; rows that still cannot be written are reported as lost. */
  async close(): Promise<void> {
    await this.flush();
    clearTimeout(this.#timer);
    if (this.#rows > 0) {
      this.#logger.error(
        `${this.#rows} logged input rows could not be written to ${this.destination} and are lost.`,
      );
    }
  }
}

/** `model`, whose predictions also record their input rows in `log`; closing it closes the log first. */
export function withInputLog(model: LoadedModel, log: InputLog): LoadedModel {
  return {
    uri: model.uri,
    path: model.path,
    metadata: model.metadata,
    signature: model.signature,
    inputExample: model.inputExample,
    async predict(input, params) {
      const result = await model.predict(input, params);
      if (isDataFrame(input)) log.record(input as pl.DataFrame);
      return result;
    },
    async close() {
      await log.close();
      await model.close();
    },
  };
}
