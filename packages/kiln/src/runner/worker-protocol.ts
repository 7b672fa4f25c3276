/** Where a worker finds the pipeline whose nodes it runs. */
export interface PipelineSource {
  /** A module path or file URL; `.ts` modules are loaded through tsx. */
  module: string;
  /**
   * The export to read (default `"default"`): a Pipeline, a record of named pipelines, or a function
   * (possibly async) returning either.
   */
  export?: string;
  /** With a record of pipelines, which one (default `"__default__"`); `"*"` takes the nodes of all of them. */
  name?: string;
}

/** Main thread → worker. */
export interface TaskMessage {
  id: number;
  node: string;
  inputs: Record<string, unknown>;
  /** Inputs holding values a thread codec encoded, to decode before the node runs. */
  encoded: string[];
}

/** What a worker is started with. */
export interface WorkerSetup {
  source: PipelineSource;
  /** Transfer large binary buffers of outputs (thread codecs' buffers are always transferred). */
  transfer: boolean;
  /** Thread codec modules, as URLs resolved by the main thread. */
  codecs: string[];
}

/** Worker → main thread. */
export type WorkerReply =
  | { type: "ready"; nodes: string[] }
  | { type: "init-error"; error: SerializedError }
  | { id: number; ok: true; outputs: Record<string, unknown>; encoded: string[] }
  | { id: number; ok: false; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string | undefined;
  code?: string | undefined;
  hint?: string | undefined;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const e = error as Error & { code?: unknown; hint?: unknown };
    return {
      name: e.name,
      message: e.message,
      stack: e.stack,
      code: typeof e.code === "string" ? e.code : undefined,
      hint: typeof e.hint === "string" ? e.hint : undefined,
    };
  }
  return { name: "Error", message: String(error) };
}
