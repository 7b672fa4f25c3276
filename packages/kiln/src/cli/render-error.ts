import { KilnError } from "../errors/index.js";

/** Exit codes: 0 success, 1 a node failed, 2 bad usage or configuration. */
export const EXIT = { ok: 0, nodeFailed: 1, usage: 2 } as const;

/** Prints an error as the CLI shows it (code, message, hint; the stack with --verbose) and returns the exit code. */
export function renderError(error: unknown, options: { verbose: boolean; json: boolean }): number {
  const code = error instanceof KilnError && error.code === "KILN_NODE_FAILED" ? EXIT.nodeFailed : EXIT.usage;
  if (options.json) {
    const e = error as KilnError;
    process.stderr.write(
      `${JSON.stringify({ level: "error", code: e.code ?? null, message: e.message ?? String(error), hint: e.hint ?? null })}\n`,
    );
    return code;
  }
  if (error instanceof KilnError) {
    process.stderr.write(`\nError ${error.code}: ${error.message}\n`);
    if (error.hint) process.stderr.write(`  ${error.hint.replace(/\n/g, "\n  ")}\n`);
    if (options.verbose) {
      process.stderr.write(`\n${error.stack ?? ""}\n`);
      if (error.cause instanceof Error)
        process.stderr.write(`\nCaused by: ${error.cause.stack ?? error.cause.message}\n`);
    } else if (error.cause !== undefined) process.stderr.write("  (run with --verbose for the stack)\n");
  } else {
    // Not ours: a bug or an unexpected failure; show everything.
    process.stderr.write(
      `\nUnexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  return code;
}
