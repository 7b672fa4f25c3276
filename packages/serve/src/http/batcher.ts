// Dynamic (micro-)batching for the scoring server (`kiln models serve --batch-max-rows N`): requests
// that wait together and can share a prediction (same params, same columns and types) become one
// DataFrame and one call of the model, and the predictions are cut back per request. What costs on a
// small request is per call, not per row (the DataFrame's JS wrapper, the inference pipeline's run),
// so under load one call for many requests is cheaper than one each.
import type { Logger } from "kiln";
import { ScoringRequestError } from "../errors.js";
import type { LoadedModel } from "../model-types.js";
import { encodePredictions, frameFromTyped, predictionRows, type TypedTable } from "../protocol/index.js";

/** The batching options of the scoring server. */
export interface BatchingOptions {
  /** Most rows one prediction takes (a request with more is predicted alone, whole). */
  maxRows: number;
  /**
   * Milliseconds the first request waits for others when no prediction is running (default 0:
   * it is predicted with those that arrived in the same turn of the event loop; requests arriving
   * while a prediction runs always wait for it to end).
   */
  waitMs?: number;
}

interface Pending {
  table: TypedTable;
  params: Record<string, unknown> | undefined;
  /** Requests of one key may share a prediction; undefined: never shared. */
  key: string | undefined;
  resolve(body: string): void;
  reject(error: unknown): void;
}

/**
 * Queues checked requests and predicts them in batches, one batch at a time. Each request gets its
 * own answer: a batch the model fails on is predicted again request by request, so only the
 * request whose rows the model cannot take fails; a model whose result does not hold one prediction
 * per input row fails every request with `KILN_SERVE_BATCH_ROWS`.
 */
export class PredictionBatcher {
  readonly #model: LoadedModel;
  readonly #maxRows: number;
  readonly #waitMs: number;
  readonly #logger: Logger;
  readonly #queue: Pending[] = [];
  #running = false;
  #flushScheduled = false;
  #timer: NodeJS.Timeout | undefined;
  #warned = false;

  constructor(model: LoadedModel, options: BatchingOptions, logger: Logger) {
    this.#model = model;
    this.#maxRows = options.maxRows;
    this.#waitMs = options.waitMs ?? 0;
    this.#logger = logger;
  }

  /** Predicts one request's table with its params; resolves to its `{"predictions": …}` body. */
  predict(table: TypedTable, params: Record<string, unknown> | undefined): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ table, params, key: batchKey(table, params), resolve, reject });
      this.#schedule();
    });
  }

  /** Plans the next flush; `now`: without waiting waitMs (the queue waited for a running batch). */
  #schedule(now = false): void {
    if (this.#running) return; // the running batch flushes the queue when it ends
    if (!now && this.#waitMs > 0 && this.#queuedRows() < this.#maxRows) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#flush();
      }, this.#waitMs);
      return;
    }
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // setImmediate: after the requests read in this turn of the event loop have been queued too.
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #queuedRows(): number {
    let rows = 0;
    for (const pending of this.#queue) rows += pending.table.rows;
    return rows;
  }

  #flush(): void {
    if (this.#running || this.#queue.length === 0) return;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const batch = this.#take();
    this.#running = true;
    void this.#run(batch).finally(() => {
      this.#running = false;
      if (this.#queue.length > 0) this.#schedule(true);
    });
  }

  /** The oldest request and those after it that share its key, up to maxRows rows, in order. */
  #take(): Pending[] {
    const first = this.#queue[0]!;
    const batch = [first];
    let rows = first.table.rows;
    if (first.key !== undefined) {
      for (let i = 1; i < this.#queue.length; i++) {
        const next = this.#queue[i]!;
        if (next.key !== first.key) continue;
        if (rows + next.table.rows > this.#maxRows) break;
        batch.push(next);
        rows += next.table.rows;
      }
    }
    const taken = new Set(batch);
    const rest = this.#queue.filter((pending) => !taken.has(pending));
    this.#queue.length = 0;
    this.#queue.push(...rest);
    return batch;
  }

  async #run(batch: Pending[]): Promise<void> {
    const table = batch.length === 1 ? batch[0]!.table : mergeTables(batch.map((p) => p.table));
    let result: unknown;
    try {
      result = await this.#model.predict(frameFromTyped(table), batch[0]!.params);
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      // One request's rows may be what the model cannot take: predict each alone, so only it fails.
      else for (const pending of batch) await this.#run([pending]);
      return;
    }
    const rows = predictionRows(result);
    if (rows === undefined || rows.length !== table.rows) {
      const error = rowsMismatch(rows?.length, table.rows);
      if (!this.#warned) {
        this.#warned = true;
        this.#logger.warn(`POST /invocations: ${error.message} ${error.hint ?? ""}`);
      }
      for (const pending of batch) pending.reject(error);
      return;
    }
    let offset = 0;
    for (const pending of batch) {
      const end = offset + pending.table.rows;
      pending.resolve(encodePredictions(rows.slice(offset, end)));
      offset = end;
    }
  }
}

/**
 * What requests must share to be predicted together: the params, and the columns with their
 * types. Undefined (never shared) for params JSON cannot write, or a column whose type Polars
 * would infer (it could infer another for the merged values).
 */
function batchKey(table: TypedTable, params: Record<string, unknown> | undefined): string | undefined {
  const columns: string[] = [];
  for (const column of table.columns) {
    if (column.dtype === undefined) return undefined;
    columns.push(column.name, String(column.dtype));
  }
  try {
    return JSON.stringify([params ?? null, columns]);
  } catch {
    return undefined; // a BigInt param
  }
}

/** One table of the rows of several with the same columns and types, in order. */
function mergeTables(tables: TypedTable[]): TypedTable {
  const first = tables[0]!;
  return {
    columns: first.columns.map((column, c) => ({
      name: column.name,
      dtype: column.dtype,
      values: tables.flatMap((table) => table.columns[c]!.values),
    })),
    rows: tables.reduce((sum, table) => sum + table.rows, 0),
  };
}

function rowsMismatch(predictions: number | undefined, rows: number): ScoringRequestError {
  const got =
    predictions === undefined
      ? "a result that is not one prediction per row (a single value or another object)"
      : `${predictions} predictions`;
  return new ScoringRequestError(
    "KILN_SERVE_BATCH_ROWS",
    `The model returned ${got} for ${rows} input rows, so the server cannot give each batched request its own predictions.`,
    {
      status: 500,
      errorCode: "INTERNAL_ERROR",
      hint: "Batching (--batch-max-rows) needs a model that returns one prediction per input row; serve this model without it.",
    },
  );
}
