import { isAbsolute, resolve } from "node:path";
import { type Dataset, type DatasetContext, DatasetError, type DatasetPreview } from "kiln";
import {
  PARTITIONED_KEYS,
  PartitionedDataset,
  type PartitionedDatasetConfig,
  type PartitionsToSave,
} from "./partitioned-dataset.js";

/** An incremental dataset's catalog entry: a partitioned one's, plus where the checkpoint is kept. */
export interface IncrementalDatasetConfig extends PartitionedDatasetConfig {
  /**
   * The checkpoint: a file path, or `{ type, filepath, … }` (default: a text file `CHECKPOINT` in
   * the folder). It holds the id of the last partition a node confirmed.
   */
  checkpoint?: string | Record<string, unknown>;
  /** Which partitions are new: ids after the checkpoint (`gt`, the default) or from it on (`ge`). */
  comparison?: "gt" | "ge";
}

/**
 * The partitions added since the last confirmed run, loaded (not lazily: a node gets the data).
 * After a node that reads it succeeds and declares `confirms`, the runner calls `confirm()`, which
 * saves the newest id it loaded as the checkpoint, so the next run loads only what came after.
 * Ids compare as strings, as Kedro's do: name partitions so that order is time order (`2024-05-01`).
 */
export class IncrementalDataset<T = unknown> implements Dataset<Record<string, T>, PartitionsToSave<T>> {
  static readonly configKeys = [...PARTITIONED_KEYS, "checkpoint", "comparison"] as const;
  static readonly kedroOnlyArgs = ["load_args", "versioned", "comparison_func"];

  readonly partitions: PartitionedDataset<T>;
  readonly checkpoint: Dataset<string, string>;
  readonly comparison: "gt" | "ge";
  /** The newest id the last load returned: what `confirm()` saves. */
  #loaded: string | undefined;

  constructor(config: IncrementalDatasetConfig, context: DatasetContext = {}) {
    const { checkpoint, comparison, ...partitioned } = config;
    this.partitions = new PartitionedDataset<T>(partitioned, context);
    if (comparison !== undefined && comparison !== "gt" && comparison !== "ge") {
      throw new DatasetError(
        "KILN_PARTITIONS_BAD_CONFIG",
        `comparison must be gt or ge, got ${JSON.stringify(comparison)}.`,
        {
          hint: "gt: ids after the checkpoint (the default); ge: the checkpoint's own partition too.",
        },
      );
    }
    this.comparison = comparison ?? "gt";
    const spec: Record<string, unknown> =
      typeof checkpoint === "string" ? { filepath: checkpoint } : { ...(checkpoint ?? {}) };
    const typeName = typeof spec.type === "string" ? spec.type : "text.TextDataset";
    delete spec.type;
    spec.filepath ??= `${this.partitions.path}/CHECKPOINT`;
    const file = String(spec.filepath);
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(file) && !isAbsolute(file) && context.projectPath) {
      spec.filepath = resolve(context.projectPath, file); // relative to the project, as catalog paths are
    }
    if (config.credentials && spec.credentials === undefined) spec.credentials = config.credentials;
    const type = context.registry!.resolveRegistered(typeName, "the incremental dataset's `checkpoint`");
    this.checkpoint = type.create(spec, context) as Dataset<string, string>;
    this.partitions.exclude(String(spec.filepath));
  }

  /** The id in the checkpoint, or undefined before the first confirm. */
  async confirmedId(): Promise<string | undefined> {
    if (!(await this.checkpoint.exists())) return undefined;
    const value = String(await this.checkpoint.load()).trim();
    return value === "" ? undefined : value;
  }

  /** The ids a load would return now. */
  async newIds(): Promise<string[]> {
    const since = await this.confirmedId();
    const ids = await this.partitions.partitionIds();
    if (since === undefined) return ids;
    return ids.filter((id) => (this.comparison === "gt" ? id > since : id >= since));
  }

  async load(): Promise<Record<string, T>> {
    const ids = await this.newIds();
    const loaded: Record<string, T> = {};
    for (const id of ids) loaded[id] = (await this.partitions.partition(id).load()) as T;
    this.#loaded = ids.at(-1);
    return loaded;
  }

  /** Saves the newest id the last load returned as the checkpoint (nothing when it returned none). */
  async confirm(): Promise<void> {
    if (this.#loaded !== undefined) await this.checkpoint.save(this.#loaded);
  }

  save(data: PartitionsToSave<T>): Promise<void> {
    return this.partitions.save(data);
  }

  async exists(): Promise<boolean> {
    return this.partitions.exists();
  }

  describe(): Record<string, unknown> {
    return {
      ...this.partitions.describe(),
      type: this.constructor.name,
      checkpoint: this.checkpoint.describe(),
      ...(this.comparison === "ge" ? { comparison: "ge" } : {}),
    };
  }

  async preview(options: { rows?: number } = {}): Promise<DatasetPreview> {
    const ids = await this.newIds();
    return {
      kind: "json",
      data: { confirmed: (await this.confirmedId()) ?? null, new: ids.slice(0, options.rows ?? 20) },
      rowCount: ids.length,
    };
  }
}
