// What the coordinator (`kiln run --runner distributed`), the workers (`kiln worker`) and the
// schedules (`kiln schedule`) say to each other through BullMQ: job names, job data, progress
// reports, return values, and the few Redis keys Kiln keeps beside BullMQ's.
import { hostname } from "node:os";
import { KilnError } from "kiln";

/** A job that runs some nodes of a distributed run. */
export const NODES_JOB = "kiln.nodes";
/** A job a schedule produces: run a pipeline, start to end, in the worker that takes it. */
export const SCHEDULED_RUN_JOB = "kiln.scheduled-run";

/** The queue every command uses unless told otherwise. */
export const DEFAULT_QUEUE = "kiln";

/** How a worker rebuilds the run's session: the same config, parameters and versions. */
export interface RunSpec {
  runId: string;
  /** The project's name: a worker of another project refuses the job. */
  project: string;
  env: string;
  runtimeParams: Record<string, unknown>;
  confSource?: string;
  loadVersions?: Record<string, string>;
  /** The run's `runParams` as the coordinator's hooks saw them (JSON), for the workers' `beforeRunPart`. */
  runParams: Record<string, unknown>;
}

/** The data of a {@link NODES_JOB}. */
export interface NodesJobData {
  run: RunSpec;
  /** Node names, in the order they run. */
  nodes: string[];
  /** Datasets of the run kept in Redis (`memory=redis`) and the largest value they take, in bytes. */
  redisDatasets: string[];
  memoryLimit: number;
}

/** The data of a {@link SCHEDULED_RUN_JOB}: what `kiln schedule add` was told. */
export interface ScheduledRunData {
  schedule: string;
  pipeline: string;
  /** `--params` text, parsed by the worker as `kiln run` parses it. */
  params?: string;
  env?: string;
}

/** An error as it crosses processes: enough to show it as the worker saw it. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  hint?: string;
}

/** What a worker reports while it runs a job (BullMQ job progress). */
export type NodeReport =
  | { event: "node_started"; node: string; worker: string }
  | { event: "node_completed"; node: string; durationMs: number }
  | {
      event: "node_failed";
      node: string;
      worker: string;
      error: SerializedError;
      /** Whether the error was in the node's own function (not loading, saving or a hook). */
      inFunction: boolean;
      /** This attempt (1-based) and how many the job has. */
      attempt: number;
      attempts: number;
    };

/** What a finished {@link NODES_JOB} returns. */
export interface NodesJobResult {
  worker: string;
  nodes: Array<{ node: string; durationMs: number }>;
}

let name: string | undefined;
/** `host:pid`, how logs name a worker process. */
export const workerName = (): string => {
  name ??= `${hostname()}:${process.pid}`;
  return name;
};

/**
 * A job id for one unit of a run. BullMQ refuses custom ids that look like integers or hold `:`, so
 * the run id's characters are kept and the unit is a number after a dot.
 */
export const jobId = (runId: string, unit: number): string => `kiln.${runId.replace(/:/g, "_")}.${unit}`;

/** The key that marks a run cancelled: workers skip its jobs. */
export const cancelledKey = (queue: string, runId: string): string => `kiln:${queue}:cancelled:${runId}`;

/** The key of a dataset kept in Redis for one run. */
export const dataKey = (queue: string, runId: string, dataset: string): string =>
  `kiln:${queue}:data:${runId}:${dataset}`;

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const out: SerializedError = { name: error.name, message: error.message };
  if (error.stack !== undefined) out.stack = error.stack;
  if (error instanceof KilnError) {
    out.code = error.code;
    if (error.hint !== undefined) out.hint = error.hint;
  }
  return out;
}

/** The error again, as a KilnError when it had a code, so the run's message and hint keep it. */
export function deserializeError(error: SerializedError): Error {
  const revived =
    error.code !== undefined
      ? new KilnError(error.code, error.message, error.hint !== undefined ? { hint: error.hint } : {})
      : new Error(error.message);
  revived.name = error.name;
  if (error.stack !== undefined) revived.stack = error.stack;
  return revived;
}
