import { RunnerError } from "../errors/index.js";
import type { Node, Pipeline } from "../pipeline/index.js";
import { BaseRunner, type RunnerOptions } from "./base-runner.js";
import { runInDependencyOrder } from "./scheduler.js";

/** Options of {@link ConcurrentRunner}. */
export interface ConcurrentRunnerOptions extends RunnerOptions {
  /** Most nodes in flight at once. Default 16. */
  maxConcurrency?: number;
}

/** Checks a worker/concurrency count option: a positive integer. */
export function positiveInteger(value: unknown, option: string, runner: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RunnerError(
      "KILN_RUNNER_BAD_OPTION",
      // String() for numbers: JSON.stringify would print NaN and Infinity as "null".
      `${runner}: ${option} must be a positive integer, got ${typeof value === "number" ? String(value) : JSON.stringify(value)}.`,
      {
        hint: `e.g. --runner-params ${option.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}=4`,
      },
    );
  }
  return value;
}

/**
 * Runs independent nodes at the same time in one thread: for I/O-bound pipelines (HTTP, S3, SQL),
 * where nodes mostly wait. CPU-bound work belongs to {@link ParallelRunner}.
 */
export class ConcurrentRunner extends BaseRunner {
  readonly name = "ConcurrentRunner";
  protected readonly isAsync = true;
  readonly maxConcurrency: number;

  constructor(options: ConcurrentRunnerOptions = {}) {
    super(options);
    this.maxConcurrency = positiveInteger(options.maxConcurrency ?? 16, "maxConcurrency", this.name);
  }

  protected runNodes(
    pipeline: Pipeline,
    runNode: (node: Node) => Promise<void>,
    done: Set<Node>,
  ): Promise<void> {
    return runInDependencyOrder(pipeline, this.maxConcurrency, runNode, done);
  }
}
