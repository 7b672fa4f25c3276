/** A value, or a promise of it: datasets may answer synchronously (memory) or not (files, network). */
export type MaybePromise<T> = T | Promise<T>;

/** A few rows of a dataset and their schema, for the viz and the CLI. */
export interface DatasetPreview {
  kind: "table" | "json" | "text" | "image" | "plot";
  data: unknown;
  schema?: Record<string, string>;
  rowCount?: number;
}

/**
 * What every dataset implements. `TLoad` is what `load()` gives nodes; `TSave` what nodes give `save()`.
 * Errors thrown here are wrapped by the catalog with the dataset's name, so implementations need not.
 */
export interface Dataset<TLoad = unknown, TSave = TLoad> {
  load(): MaybePromise<TLoad>;
  save(data: TSave): MaybePromise<void>;
  exists(): MaybePromise<boolean>;
  /** Drops cached data; a memory dataset forgets its value. */
  release?(): MaybePromise<void>;
  /**
   * Records that what was last loaded has been processed (an incremental dataset moves its
   * checkpoint). Called by the runner after a node that names the dataset in `confirms` succeeds.
   */
  confirm?(): MaybePromise<void>;
  /** Plain data that identifies the dataset (type, path, options); never credentials. */
  describe(): Record<string, unknown>;
  preview?(options?: { rows?: number }): MaybePromise<DatasetPreview>;
  /** True when the data lives only in this process's memory, so a later run cannot reuse it. */
  readonly ephemeral?: boolean;
  /** False when the loaded or saved data must stay on the thread that made it (`ParallelRunner` refuses it). */
  readonly crossesThreads?: boolean;
}

/** True for objects that look like a {@link Dataset}. */
export function isDataset(value: unknown): value is Dataset {
  const v = value as Dataset | null;
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.load === "function" &&
    typeof v.save === "function" &&
    typeof v.exists === "function" &&
    typeof v.describe === "function"
  );
}
