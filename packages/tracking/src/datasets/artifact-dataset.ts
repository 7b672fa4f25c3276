import { basename, isAbsolute, resolve } from "node:path";
import {
  type Dataset,
  type DatasetContext,
  type DatasetPreview,
  getFileSystem,
  hasProtocol,
  type MaybePromise,
} from "kiln";
import type { ArtifactFile } from "../artifacts/artifact-store.js";
import { badDataset } from "./metric-dataset.js";
import { RunBoundDataset } from "./run-binding.js";

/** A `tracking.ArtifactDataset` catalog entry (kedro-mlflow's MlflowArtifactDataset keys). */
export interface ArtifactDatasetConfig {
  /** The dataset that reads and writes the data: a type name, or `{ type, filepath, … }`. */
  dataset: string | Record<string, unknown>;
  /** A folder inside the run's artifacts to log into (default: the top). */
  artifact_path?: string;
  /** Resolved by the catalog from `credentials: name`; handed to the wrapped dataset. */
  credentials?: Record<string, unknown>;
  /** Set by the catalog for `versioned: true`; handed to the wrapped dataset. */
  version?: { load?: string; save?: string };
  metadata?: Record<string, unknown>;
}

/** What the wrapped dataset may tell about its files (FileDataset does). */
interface FileLike {
  versionPath?(version: string): string;
  readonly lastSavedVersion?: string | undefined;
  readonly lastLoadedVersion?: string | undefined;
  listVersions?(): Promise<string[]>;
}

const EXAMPLE =
  "dataset: { type: json.JSONDataset, filepath: data/08_reporting/report.json } (versioned: and credentials: go on the outer entry)";

/**
 * Any dataset, with one addition: each save also logs the file(s) it wrote as artifacts of the
 * tracked run (a folder is logged file by file). Loading, `exists` and previews are the wrapped
 * dataset's. Outside a tracked run it is just the wrapped dataset.
 *
 * @example
 * # catalog.yml
 * report:
 *   type: tracking.ArtifactDataset
 *   artifact_path: reports
 *   dataset: { type: json.JSONDataset, filepath: data/08_reporting/report.json }
 */
export class ArtifactDataset extends RunBoundDataset implements Dataset {
  static readonly configKeys = ["dataset", "artifact_path", "metadata"];
  static readonly kedroOnlyArgs = ["run_id"];
  protected readonly kind = "tracking.ArtifactDataset";

  /** The dataset that does the reading and writing. */
  readonly wrapped: Dataset;
  readonly artifactPath: string;
  readonly metadata: Record<string, unknown> | undefined;
  readonly #credentials: Record<string, unknown> | undefined;
  /** The wrapped dataset's preview, when it has one. */
  readonly preview?: (options?: { rows?: number }) => MaybePromise<DatasetPreview>;

  constructor(config: ArtifactDatasetConfig, context: DatasetContext = {}) {
    super();
    const spec: Record<string, unknown> =
      typeof config?.dataset === "string" ? { type: config.dataset } : { ...(config?.dataset ?? {}) };
    if (typeof spec.type !== "string" || spec.type === "")
      throw badDataset(
        "tracking.ArtifactDataset needs `dataset`: the dataset type it wraps, with its entry.",
        EXAMPLE,
      );
    if (spec.versioned !== undefined)
      throw badDataset("`versioned` goes on the ArtifactDataset's own entry, not inside `dataset`.", EXAMPLE);
    if (typeof spec.credentials === "string")
      throw badDataset(
        "`credentials: <name>` goes on the ArtifactDataset's own entry, not inside `dataset`.",
        EXAMPLE,
      );
    if (config.artifact_path !== undefined && typeof config.artifact_path !== "string")
      throw badDataset(
        `artifact_path must be a folder name, got ${JSON.stringify(config.artifact_path)}.`,
        "artifact_path: reports",
      );
    if (!context.registry)
      throw badDataset(
        "tracking.ArtifactDataset is built by the catalog, which knows the dataset types.",
        "Declare it in catalog.yml.",
      );
    const type = context.registry.resolveRegistered(spec.type, "the ArtifactDataset's `dataset`");
    delete spec.type;
    for (const key of ["filepath", "path"]) {
      const value = spec[key];
      if (typeof value === "string" && context.projectPath && !hasProtocol(value) && !isAbsolute(value))
        spec[key] = resolve(context.projectPath, value); // relative paths are the project's, as at the top level
    }
    if (config.credentials && spec.credentials === undefined) spec.credentials = config.credentials;
    if (config.version) spec.version = config.version;
    this.wrapped = type.create(spec, context);
    const inner = this.wrapped;
    if (inner.preview) this.preview = (options) => inner.preview!(options);
    this.artifactPath = config.artifact_path ?? "";
    this.metadata = config.metadata;
    this.#credentials = config.credentials;
  }

  get ephemeral(): boolean | undefined {
    return this.wrapped.ephemeral;
  }

  get crossesThreads(): boolean | undefined {
    return this.wrapped.crossesThreads;
  }

  /** The version the wrapped dataset's last save wrote, when it is versioned. */
  get lastSavedVersion(): string | undefined {
    return (this.wrapped as FileLike).lastSavedVersion;
  }

  /** The version the wrapped dataset's last load read, when it is versioned. */
  get lastLoadedVersion(): string | undefined {
    return (this.wrapped as FileLike).lastLoadedVersion;
  }

  load(): unknown {
    return this.wrapped.load();
  }

  exists(): MaybePromise<boolean> {
    return this.wrapped.exists();
  }

  async release(): Promise<void> {
    await this.wrapped.release?.();
  }

  async save(data: unknown): Promise<void> {
    await this.wrapped.save(data);
    if (!this.bound) return; // outside a run (a script, the REPL): only the wrapped dataset's save
    const tracker = this.tracker("save");
    if (!tracker) return;
    await tracker.logArtifacts(this.datasetName!, await this.savedFiles());
  }

  /** What the last save wrote, read back: one file, or every file of the folder it wrote. */
  async savedFiles(): Promise<ArtifactFile[]> {
    const described = this.wrapped.describe();
    const target = (described.filepath ?? described.path) as string | undefined;
    if (typeof target !== "string") {
      throw badDataset(
        `${String(described.type)} saves no file that could be logged (its describe() has no filepath or path).`,
        "Wrap a file dataset (JSON, CSV, Parquet, images, …) or a folder of partitions.",
      );
    }
    const file =
      this.lastSavedVersion && (this.wrapped as FileLike).versionPath
        ? (this.wrapped as FileLike).versionPath!(this.lastSavedVersion)
        : target;
    const fs = await getFileSystem(file, this.#credentials ? { credentials: this.#credentials } : {});
    const name = basename(target);
    const inFolder = await fs.walk(file);
    const prefix = this.artifactPath ? this.artifactPath.split(/[\\/]+/) : [];
    if (inFolder.length === 0) return [{ path: [...prefix, name].join("/"), bytes: await fs.read(file) }];
    return Promise.all(
      inFolder.map(async (path) => ({
        path: [...prefix, name, path.slice(file.length).replace(/^[\\/]+/, "")].join("/"),
        bytes: await fs.read(path),
      })),
    );
  }

  describe(): Record<string, unknown> {
    const inner = this.wrapped.describe();
    return {
      // The wrapped file's place and version, so run records and lineage see the file it writes.
      ...(inner.filepath !== undefined ? { filepath: inner.filepath } : {}),
      ...(inner.path !== undefined ? { path: inner.path } : {}),
      ...(inner.version !== undefined ? { version: inner.version } : {}),
      type: "ArtifactDataset",
      dataset: inner,
      ...(this.artifactPath ? { artifact_path: this.artifactPath } : {}),
      ...(this.metadata ? { metadata: this.metadata } : {}),
    };
  }
}
