/**
 * The storage seam: every file-based dataset reads and writes through a FileSystem, so that local
 * paths, `http(s)://` URLs and `s3://` buckets are swapped by configuration alone.
 */
export interface FileSystem {
  /** `file`, `http`, `https` or `s3`. */
  readonly protocol: string;
  /** False for read-only stores (HTTP). */
  readonly writable: boolean;
  /** The whole object. @throws IoError `KILN_IO_NOT_FOUND` when it does not exist. */
  read(path: string): Promise<Uint8Array>;
  /**
   * Replaces the object atomically where the store allows it (local: temp file + rename), so a crash
   * leaves the previous data and no partial file. Parent folders are created.
   */
  write(path: string, data: Uint8Array | string): Promise<void>;
  /**
   * Writes only if nothing exists at `path` yet, atomically; returns false (writing nothing) when
   * something does. Used to make dataset versions unique across processes.
   */
  writeExclusive(path: string, data: Uint8Array | string): Promise<boolean>;
  exists(path: string): Promise<boolean>;
  /** Names (not paths) of the direct children of folder `dir`, sorted; [] when it does not exist. */
  list(dir: string): Promise<string[]>;
  /** Every file path under folder `dir`, recursively, sorted; [] when it does not exist. */
  walk(dir: string): Promise<string[]>;
  /** Removes a file; removing something absent is not an error. */
  remove(path: string): Promise<void>;
  /**
   * The path on local disk, for engines that read files themselves (no bytes through JavaScript).
   * Only stores whose objects are local files have it.
   */
  localPath?(path: string): string;
  /**
   * Like `write` (or `writeExclusive` with `exclusive`), but `produce` writes the file itself at the
   * temporary local path it is given; the store then commits it atomically. Returns false when
   * `exclusive` and something already exists at `path`. Only local stores have it.
   */
  writeWith?(
    path: string,
    produce: (tempPath: string) => Promise<void>,
    options?: { exclusive?: boolean },
  ): Promise<boolean>;
}

/** Options for {@link getFileSystem}, from a catalog entry. */
export interface FileSystemOptions {
  /** The entry's resolved credentials (S3: `key`, `secret`, `token`, `endpoint_url`, `region`, …; HTTP: `token`, `username`/`password`, `headers`). */
  credentials?: Record<string, unknown>;
  /** The entry's `fs_args`: store-specific settings (S3 `client_kwargs`, HTTP `headers`, `timeout`). */
  fsArgs?: Record<string, unknown>;
}
