import { DatasetError } from "../errors/index.js";
import { type FileSystem, getFileSystem } from "../io/index.js";
import type { Dataset } from "./dataset.js";
import { formatVersion, generateVersion, nextVersion, VERSION_PATTERN, type Version } from "./versioning.js";

/** The catalog entry keys every file-based dataset takes (Kedro's names). */
export interface FileDatasetConfig {
  filepath: string;
  load_args?: Record<string, unknown>;
  save_args?: Record<string, unknown>;
  fs_args?: Record<string, unknown>;
  /** Resolved credentials; used to reach the store, never described or logged. */
  credentials?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  /** Set by the catalog for `versioned: true` entries. */
  version?: Version;
}

/** The catalog entry keys every file dataset takes (each type adds its own `load_args`/`save_args`). */
export const FILE_DATASET_KEYS = [
  "filepath",
  "load_args",
  "save_args",
  "fs_args",
  "credentials",
  "metadata",
  "version",
] as const;

/** How many of the newest versions an error about a missing pinned version lists. */
const SHOWN_VERSIONS = 5;

/**
 * The base of datasets stored as one file: the storage seam (local, HTTP, S3), atomic writes, and
 * versioning (`<filepath>/<version>/<file name>`). Subclasses only turn bytes into data and back.
 */
export abstract class FileDataset<TLoad, TSave = TLoad> implements Dataset<TLoad, TSave> {
  /** Most versions a save moves on by when other savers took the same millisecond (default 1,000). */
  static maxVersionClashes = 1000;
  readonly filepath: string;
  readonly loadArgs: Record<string, unknown>;
  readonly saveArgs: Record<string, unknown>;
  readonly metadata: Record<string, unknown> | undefined;
  /** Undefined when the dataset is not versioned. */
  readonly version: Version | undefined;
  readonly #fsArgs: Record<string, unknown>;
  readonly #credentials: Record<string, unknown> | undefined;
  #fs: Promise<FileSystem> | undefined;
  #lastSaved: string | undefined;
  #lastLoaded: string | undefined;

  constructor(config: FileDatasetConfig) {
    if (typeof config?.filepath !== "string" || config.filepath.length === 0) {
      throw new DatasetError("KILN_DATASET_NO_FILEPATH", `${new.target.name} needs a \`filepath\`.`, {
        hint: "Add `filepath: data/01_raw/<file>` to the catalog entry.",
      });
    }
    this.filepath = config.filepath.replace(/\/+$/, "");
    this.loadArgs = { ...config.load_args };
    this.saveArgs = { ...config.save_args };
    this.#fsArgs = { ...config.fs_args };
    this.#credentials = config.credentials;
    this.metadata = config.metadata;
    this.version = config.version;
  }

  /** Bytes → data. */
  protected abstract decode(bytes: Uint8Array): TLoad | Promise<TLoad>;
  /** Data → bytes or text. */
  protected abstract encode(data: TSave): Uint8Array | string | Promise<Uint8Array | string>;
  /**
   * Optional: reads a local file by its path, for engines that read files themselves (a table
   * engine reading a large CSV without holding its bytes in JavaScript). Used for local stores only.
   */
  protected readLocalFile?(path: string): Promise<TLoad>;
  /**
   * Optional: writes `data` to the local path given, a temporary file that the base class then
   * commits atomically (rename, or link for versioned saves). Used for local stores only.
   */
  protected writeLocalFile?(data: TSave, path: string): Promise<void>;

  protected fileSystem(): Promise<FileSystem> {
    this.#fs ??= getFileSystem(this.filepath, {
      ...(this.#credentials ? { credentials: this.#credentials } : {}),
      fsArgs: this.#fsArgs,
    });
    return this.#fs;
  }

  get #fileName(): string {
    return this.filepath.slice(this.filepath.lastIndexOf("/") + 1);
  }

  /** Where version `version` of the file lives. */
  versionPath(version: string): string {
    return `${this.filepath}/${version}/${this.#fileName}`;
  }

  /** Saved versions, oldest first ([] when unversioned or never saved). */
  async listVersions(): Promise<string[]> {
    if (!this.version) return [];
    const fs = await this.fileSystem();
    const names = (await fs.list(this.filepath)).filter((n) => VERSION_PATTERN.test(n)).sort();
    const present = await Promise.all(names.map((v) => fs.exists(this.versionPath(v))));
    return names.filter((_, i) => present[i]);
  }

  /**
   * The path a load reads: the pinned load version, else the latest saved one. Remembers the version
   * as {@link lastLoadedVersion}.
   */
  async resolveLoadPath(): Promise<string> {
    if (!this.version) return this.filepath;
    if (this.version.load) {
      this.#lastLoaded = this.version.load;
      return this.versionPath(this.version.load);
    }
    const versions = await this.listVersions();
    const latest = versions.at(-1);
    if (latest === undefined) {
      throw (
        (await this.#versioningMismatch()) ??
        new DatasetError("KILN_DATASET_NO_VERSIONS", `No version of ${this.filepath} has been saved yet.`, {
          hint: "Run the node that produces it first, or drop `versioned: true` if the file is not versioned.",
        })
      );
    }
    this.#lastLoaded = latest;
    return this.versionPath(latest);
  }

  /**
   * When a load or save failed, whether it is because the dataset was switched between versioned
   * and unversioned while its path still holds the other layout (a folder of versions where a file
   * is expected, or a file where the versions' folder should be). Checked only after a failure.
   */
  async #versioningMismatch(): Promise<DatasetError | undefined> {
    try {
      const fs = await this.fileSystem();
      const versions = (await fs.list(this.filepath)).filter((n) => VERSION_PATTERN.test(n));
      if (!this.version && versions.length > 0) {
        return new DatasetError(
          "KILN_DATASET_VERSIONING_MISMATCH",
          `${this.filepath} is a folder of saved versions (the newest ${versions.at(-1)}), but the dataset is not versioned.`,
          {
            hint: `Set \`versioned: true\` on the entry to keep using the versions (loads take the newest), or move the folder away (e.g. to ${this.filepath}.versions) to keep a plain file here.`,
          },
        );
      }
      if (this.version && versions.length === 0 && (await fs.exists(this.filepath))) {
        const example = this.version.save ?? formatVersion(Date.now());
        return new DatasetError(
          "KILN_DATASET_VERSIONING_MISMATCH",
          `${this.filepath} is a plain file, but the dataset is versioned: its versions go in ${this.versionPath("<version>")}.`,
          {
            hint: `Set \`versioned: false\` on the entry to keep using the file, or move it away; to keep it as the first version, move it to ${this.versionPath(example)}.`,
          },
        );
      }
    } catch {
      // The diagnosis is best effort: the original error is reported instead.
    }
    return undefined;
  }

  /** The error for a pinned load version that is not there, listing the newest versions that are. */
  async #missingVersion(version: string, cause: unknown): Promise<DatasetError> {
    const versions = await this.listVersions().catch(() => [] as string[]);
    const newest = versions.slice(-SHOWN_VERSIONS).reverse();
    const more = versions.length - newest.length;
    return new DatasetError(
      "KILN_DATASET_VERSION_NOT_FOUND",
      `Version ${version} of ${this.filepath} does not exist.`,
      {
        cause,
        hint:
          versions.length === 0
            ? "No version has been saved yet: run the node that produces it first."
            : `Saved versions, newest first: ${newest.join(", ")}${more > 0 ? ` (and ${more} older)` : ""}. Pin one of them (--load-versions name:version), or leave the pin out to load the newest.`,
      },
    );
  }

  /** The version the last save of this object wrote, if any. */
  get lastSavedVersion(): string | undefined {
    return this.#lastSaved;
  }

  /** The version the last load of this object read (the pinned one, or the latest then), if any: what lineage records. */
  get lastLoadedVersion(): string | undefined {
    return this.#lastLoaded;
  }

  async load(): Promise<TLoad> {
    const fs = await this.fileSystem();
    const path = await this.resolveLoadPath();
    const local = this.readLocalFile && fs.localPath ? fs.localPath(path) : undefined;
    let bytes: Uint8Array | undefined;
    try {
      // A local file an engine reads itself is only checked here; others are read here.
      if (local === undefined) bytes = await fs.read(path);
      else if (!(await fs.exists(path))) await fs.read(path); // the store's own "not found" error
    } catch (error) {
      const pinned = this.version?.load;
      if (pinned && (error as { code?: string }).code === "KILN_IO_NOT_FOUND") {
        throw (await this.#versioningMismatch()) ?? (await this.#missingVersion(pinned, error));
      }
      throw (await this.#versioningMismatch()) ?? error;
    }
    return bytes === undefined ? this.readLocalFile!(local!) : this.decode(bytes);
  }

  async save(data: TSave): Promise<void> {
    const fs = await this.fileSystem();
    const writeLocal = this.writeLocalFile?.bind(this);
    let write: (path: string, exclusive: boolean) => Promise<boolean>;
    if (writeLocal && fs.writeWith) {
      const writeWith = fs.writeWith.bind(fs);
      write = (path, exclusive) => writeWith(path, (temp) => writeLocal(data, temp), { exclusive });
    } else {
      const bytes = await this.encode(data);
      write = async (path, exclusive) => {
        if (exclusive) return fs.writeExclusive(path, bytes);
        await fs.write(path, bytes);
        return true;
      };
    }
    try {
      await this.#write(write);
    } catch (error) {
      if ((error as { code?: string }).code === "KILN_DATASET_VERSION_CLASH") throw error;
      throw (await this.#versioningMismatch()) ?? error;
    }
  }

  /** Writes unversioned, or to the first free version from the save version on. */
  async #write(write: (path: string, exclusive: boolean) => Promise<boolean>): Promise<void> {
    if (!this.version) {
      await write(this.filepath, false);
      return;
    }
    let version = this.version.save ?? generateVersion();
    const max = (this.constructor as typeof FileDataset).maxVersionClashes;
    for (let clash = 0; clash < max; clash++) {
      if (await write(this.versionPath(version), true)) {
        this.#lastSaved = version;
        return;
      }
      version = nextVersion(version);
    }
    throw new DatasetError(
      "KILN_DATASET_VERSION_CLASH",
      `Could not find a free version to save ${this.filepath}.`,
      {
        hint: `${max} consecutive versions were taken; check for a runaway process saving this dataset.`,
      },
    );
  }

  async exists(): Promise<boolean> {
    const fs = await this.fileSystem();
    if (!this.version) return fs.exists(this.filepath);
    if (this.version.load) return fs.exists(this.versionPath(this.version.load));
    return (await this.listVersions()).length > 0;
  }

  describe(): Record<string, unknown> {
    const out: Record<string, unknown> = { type: this.constructor.name, filepath: this.filepath };
    if (this.version) out.version = { ...this.version };
    if (Object.keys(this.loadArgs).length > 0) out.load_args = this.loadArgs;
    if (Object.keys(this.saveArgs).length > 0) out.save_args = this.saveArgs;
    if (this.metadata) out.metadata = this.metadata;
    return out;
  }
}
