import type { DataCatalog } from "../catalog/index.js";
import type { HookManager } from "../hooks/index.js";
import type { Pipeline } from "../pipeline/index.js";

/** Options of one run, shared by every runner. */
export interface RunOptions {
  hooks?: HookManager;
  /** Defaults to a new random id. */
  runId?: string;
  /** Skip nodes whose persisted outputs all exist (Kedro's `--only-missing-outputs`). */
  onlyMissingOutputs?: boolean;
  /** The command that started the run; the resume suggestion extends it. */
  command?: string;
  /** Recorded in hooks' `runParams`. */
  pipelineName?: string;
  /** More fields for hooks' `runParams` (CLI options, env, …). */
  runParams?: Record<string, unknown>;
  /** Told as the run goes (progress displays, run records); called synchronously, must not throw. */
  onProgress?: (progress: RunProgress) => void;
}

/**
 * What a run reports as it goes. A node's `durationMs` covers loading its inputs, running it, saving
 * its outputs and releasing data it was the last reader of: what its "Completed" log line shows.
 */
export type RunProgress =
  | { event: "pipeline_started"; total: number }
  | { event: "node_started"; node: string }
  | { event: "node_completed"; node: string; durationMs: number; completed: number; total: number }
  | { event: "node_failed"; node: string; durationMs: number };

/** Free outputs of the pipeline that its nodes produced in this run, by dataset name. */
export type RunResult = Record<string, unknown>;

/** Runs a pipeline's nodes against a catalog. */
export interface Runner {
  readonly name: string;
  run(pipeline: Pipeline, catalog: DataCatalog, options?: RunOptions): Promise<RunResult>;
}
