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
}

/** Worker → main thread. */
export type WorkerReply =
  | { type: "ready"; nodes: string[] }
  | { type: "init-error"; error: SerializedError }
  | { id: number; ok: true; outputs: Record<string, unknown> }
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
