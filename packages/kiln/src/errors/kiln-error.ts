/** Options shared by every Kiln error. */
export interface KilnErrorOptions {
  /** What the user can do about it: a did-you-mean, a command to run, a setting to change. */
  hint?: string;
  /** The foreign error this one wraps, kept for `--verbose` and debuggers. */
  cause?: unknown;
}

/**
 * The base of every error Kiln throws on purpose.
 *
 * `code` is stable (`KILN_<AREA>_<WHAT>`, listed in docs/errors.md) so tools can match on it;
 * `message` says what failed and which thing; `hint` says how to fix it.
 */
export class KilnError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: KilnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  /** The message followed by the hint, as the CLI prints it. */
  toDisplayString(): string {
    return this.hint
      ? `${this.code}: ${this.message}\n  hint: ${this.hint}`
      : `${this.code}: ${this.message}`;
  }
}

/** A node or pipeline was defined wrongly (names, shapes, graph rules). */
export class PipelineError extends KilnError {}

/** A node function failed or returned data that does not match its declared outputs. */
export class NodeError extends KilnError {}

/** The catalog could not find, load, save or describe a dataset. */
export class CatalogError extends KilnError {}

/** A dataset implementation failed; the catalog wraps the original error as `cause`. */
export class DatasetError extends KilnError {}

/** A runner could not start or finish a run. */
export class RunnerError extends KilnError {}

/** A hook implementation threw; the message names the plugin and the hook. */
export class HookError extends KilnError {}

/** A file system (local, HTTP, S3) could not read, write, list or reach a path. */
export class IoError extends KilnError {}

/** Where in a configuration file a problem is: 1-based line and column. */
export interface ConfigErrorLocation {
  file: string;
  line: number;
  column: number;
}

/** Options of a `ConfigError`: the usual ones plus where in a file the problem is. */
export interface ConfigErrorOptions extends KilnErrorOptions {
  /** The file, line and column the message names, for editors and the CLI. */
  location?: ConfigErrorLocation;
}

/**
 * Configuration could not be found, parsed, merged, interpolated or validated.
 *
 * The message names the file, line and column (1-based) when a file is involved; `location`
 * holds the same place for tools.
 */
export class ConfigError extends KilnError {
  readonly location: ConfigErrorLocation | undefined;

  constructor(code: string, message: string, options: ConfigErrorOptions = {}) {
    super(code, message, options);
    this.location = options.location;
  }
}
