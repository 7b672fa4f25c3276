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

/**
 * Buffers sampled input frames and writes them as Parquet parts. A write that fails keeps the rows
 * for the next try (with a warning); `close()` writes what is left.
 */
export class InputLog {
  readonly #pl: Polars;
  readonly #fs: FileSystem;
  readonly #options: Required<InputLogOptions>;
  readonly #logger: Logger;
  /** Waiting frames with the time each was served (the column is added per part: cheap per request). */
  #frames: { frame: pl.DataFrame; at: number }[] = [];
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
    this.#frames.push({ frame, at: Date.now() });
    this.#rows += frame.height;
    if (this.#rows >= this.#options.flushRows) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushIntervalMs).unref();
  }

  /** Writes every waiting row as one part (after any write in progress). */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#writeWaiting());
    return this.#flushing;
  }

  async #writeWaiting(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#frames.length === 0) return;
    // Frames of one schema go into one part (without a signature, requests may differ).
    const groups = new Map<string, { frame: pl.DataFrame; at: number }[]>();
    for (const f of this.#frames) {
      const key = f.frame.columns.map((c, i) => `${c}:${String(f.frame.dtypes[i])}`).join(",");
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    this.#frames = [];
    this.#rows = 0;
    for (const frames of groups.values()) await this.#writePart(frames);
  }

  async #writePart(frames: { frame: pl.DataFrame; at: number }[]): Promise<void> {
    const rows = frames.reduce((n, f) => n + f.frame.height, 0);
    const path = `${this.#options.destination}/${partName(new Date(), this.#seq++)}`;
    try {
      await this.#fs.write(path, this.#part(frames).writeParquet());
      this.written.rows += rows;
      this.written.parts++;
    } catch (error) {
      // Keep the rows for the next try, the oldest dropped beyond the limit.
      this.#frames = [...frames, ...this.#frames];
      this.#rows += rows;
      while (this.#rows > this.#options.maxBufferedRows && this.#frames.length > 1) {
        const oldest = this.#frames.shift()!;
        this.#rows -= oldest.frame.height;
        this.#dropped += oldest.frame.height;
      }
      this.#logger.warn(
        `Could not write logged inputs to ${path}: ${(error as Error).message}. ${this.#rows} rows wait for the next try${this.#dropped > 0 ? `; ${this.#dropped} dropped so far (over ${this.#options.maxBufferedRows} waiting)` : ""}.`,
      );
      this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushIntervalMs).unref();
    }
  }

  /**
   * Frames of one schema as one, each row with the time it was served. `vstack`, not `pl.concat`:
   * the frames may come from another copy of nodejs-polars (the model's), which concat refuses.
   */
  #part(frames: readonly { frame: pl.DataFrame; at: number }[]): pl.DataFrame {
    const p = this.#pl;
    const rows = frames.slice(1).reduce((all, f) => all.vstack(f.frame), frames[0]!.frame);
    const times = frames.flatMap((f) => new Array<Date>(f.frame.height).fill(new Date(f.at)));
    return rows.withColumn(p.Series(SERVED_AT, times, p.Datetime("ms")));
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
