import { isAbsolute, resolve } from "node:path";
import {
  type Dataset,
  type DatasetContext,
  DatasetError,
  type DatasetPreview,
  type DatasetType,
  type FileSystem,
  getFileSystem,
} from "kiln";

/** What a node gives a PartitionedDataset to save: per partition, the data or a function that makes it. */
export type PartitionsToSave<T = unknown> = Record<string, T | (() => T | Promise<T>)>;

/** What a PartitionedDataset loads: per partition (sorted by id), a function that loads it. */
export type LoadedPartitions<T = unknown> = Record<string, () => Promise<T>>;

/** A partitioned dataset's catalog entry (Kedro's keys). */
export interface PartitionedDatasetConfig {
  /** The folder: a local path (relative to the project), `s3://…` or `http(s)://…` (read-only). */
  path: string;
  /** The type of every partition: a type name, or `{ type, load_args, save_args, … }`. */
  dataset: string | Record<string, unknown>;
  /** Only files ending with this belong (`.csv`); it is not part of the partition id. */
  filename_suffix?: string;
  /** The key of the partition's entry that receives its file path (default `filepath`). */
  filepath_arg?: string;
  /** Resolved credentials: used for the folder and given to every partition. */
  credentials?: Record<string, unknown>;
  fs_args?: Record<string, unknown>;
  /** True: a save first removes the partitions it does not write (Kedro's `overwrite`). */
  overwrite?: boolean;
  metadata?: Record<string, unknown>;
}

/** The catalog keys of a PartitionedDataset. */
export const PARTITIONED_KEYS = [
  "path",
  "dataset",
  "filename_suffix",
  "filepath_arg",
  "credentials",
  "fs_args",
  "overwrite",
  "metadata",
] as const;

function bad(message: string, hint: string): DatasetError {
  return new DatasetError("KILN_PARTITIONS_BAD_CONFIG", message, { hint });
}

/**
 * A folder of files, each a partition: loads lazily (a record of partition id → load function, so a
 * node reads only what it needs) and saves a record of partition id → data, or → a function that
 * makes the data (called only when that partition is written, to keep memory flat). Partition ids
 * are file paths relative to the folder, without `filename_suffix`. As Kedro's.
 */
export class PartitionedDataset<T = unknown> implements Dataset<LoadedPartitions<T>, PartitionsToSave<T>> {
  static readonly configKeys = PARTITIONED_KEYS;
  static readonly kedroOnlyArgs = ["load_args", "versioned"];

  readonly path: string;
  readonly suffix: string;
  readonly filepathArg: string;
  readonly overwrite: boolean;
  readonly metadata: Record<string, unknown> | undefined;
  readonly #type: DatasetType;
  readonly #typeName: string;
  readonly #partitionConfig: Record<string, unknown>;
  readonly #credentials: Record<string, unknown> | undefined;
  readonly #fsArgs: Record<string, unknown>;
  readonly #context: DatasetContext;
  /** Files in the folder that are not partitions (an IncrementalDataset's checkpoint). */
  readonly #excluded = new Set<string>();
  #fs: Promise<FileSystem> | undefined;

  constructor(config: PartitionedDatasetConfig, context: DatasetContext = {}) {
    if (typeof config?.path !== "string" || config.path.length === 0) {
      throw bad(
        `${new.target.name} needs a \`path\`: the folder of partitions.`,
        "path: data/01_raw/reviews",
      );
    }
    const base = config.path.replace(/\/+$/, "");
    const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(base);
    this.path =
      remote || isAbsolute(base) || !context.projectPath ? base : resolve(context.projectPath, base);
    this.suffix = config.filename_suffix ?? "";
    this.filepathArg = config.filepath_arg ?? "filepath";
    this.overwrite = config.overwrite ?? false;
    this.metadata = config.metadata;
    this.#credentials = config.credentials;
    this.#fsArgs = { ...config.fs_args };
    this.#context = context;
    const spec: Record<string, unknown> =
      typeof config.dataset === "string" ? { type: config.dataset } : { ...config.dataset };
    if (typeof spec.type !== "string") {
      throw bad(
        `${new.target.name}'s \`dataset\` must be a type name or a mapping with a \`type\`.`,
        "dataset: polars.CSVDataset, or dataset: { type: polars.CSVDataset, load_args: { sep: ';' } }",
      );
    }
    if (spec.versioned === true) {
      throw bad("Partitions cannot be versioned one by one.", "Remove `versioned` from the `dataset` entry.");
    }
    if (this.filepathArg in spec) {
      throw bad(
        `The \`dataset\` entry sets \`${this.filepathArg}\`, which each partition gets from its file.`,
        `Remove it; the folder is \`path\`.`,
      );
    }
    if (!context.registry) {
      throw bad(
        `${new.target.name} is built by the catalog, which knows the dataset types.`,
        "Declare it in catalog.yml.",
      );
    }
    this.#typeName = spec.type;
    this.#type = context.registry.resolveRegistered(spec.type, "the partitions' `dataset`");
    delete spec.type;
    delete spec.versioned;
    this.#partitionConfig = spec;
  }

  #fileSystem(): Promise<FileSystem> {
    this.#fs ??= getFileSystem(this.path, {
      ...(this.#credentials ? { credentials: this.#credentials } : {}),
      fsArgs: this.#fsArgs,
    });
    return this.#fs;
  }

  /** Leaves the file at `path` out of the partitions. */
  exclude(path: string): this {
    this.#excluded.add(path);
    return this;
  }

  /** The file of partition `id`. */
  partitionPath(id: string): string {
    return `${this.path}/${id}${this.suffix}`;
  }

  /** The dataset that reads and writes partition `id`. */
  partition(id: string): Dataset<T, T> {
    const config: Record<string, unknown> = structuredClone(this.#partitionConfig);
    config[this.filepathArg] = this.partitionPath(id);
    if (this.#credentials && config.credentials === undefined) config.credentials = this.#credentials;
    return this.#type.create(config, this.#context) as Dataset<T, T>;
  }

  /** The partition ids in the folder, sorted; [] when it does not exist. */
  async partitionIds(): Promise<string[]> {
    const fs = await this.#fileSystem();
    const prefix = `${this.path}/`;
    const ids: string[] = [];
    for (const file of await fs.walk(this.path)) {
      if (this.#excluded.has(file)) continue;
      const relative = file.startsWith(prefix) ? file.slice(prefix.length) : file;
      if (this.suffix && !relative.endsWith(this.suffix)) continue;
      ids.push(this.suffix ? relative.slice(0, -this.suffix.length) : relative);
    }
    return ids.sort();
  }

  async load(): Promise<LoadedPartitions<T>> {
    const ids = await this.partitionIds();
    if (ids.length === 0) {
      throw new DatasetError(
        "KILN_PARTITIONS_EMPTY",
        `No partitions in ${this.path}${this.suffix ? ` (files ending with "${this.suffix}")` : ""}.`,
        { hint: "Check `path` and `filename_suffix`, or run the node that writes the partitions first." },
      );
    }
    const loaders: LoadedPartitions<T> = {};
    for (const id of ids) loaders[id] = async () => (await this.partition(id).load()) as T;
    return loaders;
  }

  async save(data: PartitionsToSave<T>): Promise<void> {
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      throw new DatasetError(
        "KILN_PARTITIONS_BAD_DATA",
        `${this.constructor.name} saves a record of partition id → data (or → a function making it), but got ${Array.isArray(data) ? "an array" : typeof data}.`,
        { hint: 'Return { "2024-01": frameOfJanuary, … } from the node.' },
      );
    }
    for (const id of Object.keys(data)) {
      if (id === "" || id.split("/").some((part) => part === "" || part === "." || part === "..")) {
        throw new DatasetError("KILN_PARTITIONS_BAD_DATA", `"${id}" cannot be a partition id.`, {
          hint: "Use names or slash-separated paths without empty, . or .. parts.",
        });
      }
    }
    if (this.overwrite) {
      const fs = await this.#fileSystem();
      const keep = new Set(Object.keys(data));
      for (const id of await this.partitionIds()) if (!keep.has(id)) await fs.remove(this.partitionPath(id));
    }
    for (const [id, value] of Object.entries(data)) {
      // A function is called only now, so one partition's data is in memory at a time.
      const made = typeof value === "function" ? await (value as () => T | Promise<T>)() : value;
      await this.partition(id).save(made as T);
    }
  }

  async exists(): Promise<boolean> {
    return (await this.partitionIds()).length > 0;
  }

  describe(): Record<string, unknown> {
    return {
      type: this.constructor.name,
      path: this.path,
      dataset: this.#typeName,
      ...(this.suffix ? { filename_suffix: this.suffix } : {}),
      ...(this.overwrite ? { overwrite: true } : {}),
      ...(this.metadata ? { metadata: this.metadata } : {}),
    };
  }

  /** The partition ids and how many there are (the data stays unread). */
  async preview(options: { rows?: number } = {}): Promise<DatasetPreview> {
    const ids = await this.partitionIds();
    return { kind: "json", data: { partitions: ids.slice(0, options.rows ?? 20) }, rowCount: ids.length };
  }
}
