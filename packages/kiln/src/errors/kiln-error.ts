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
