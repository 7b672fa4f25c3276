import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { KilnError, RunnerError } from "../errors/index.js";
import { kilnPackageRoot } from "../utils/index.js";
import { NOT_SENDABLE_HINT } from "./transfer.js";
import type { SerializedError, TaskMessage, WorkerReply, WorkerSetup } from "./worker-protocol.js";

/** A node's outputs as a worker sent them: `encoded` names those holding thread-codec payloads. */
export interface TaskResult {
  outputs: Record<string, unknown>;
  encoded: string[];
}

interface Pending {
  node: string;
  resolve(result: TaskResult): void;
  reject(error: Error): void;
}

interface PoolWorker {
  worker: Worker;
  busy: boolean;
  /** False once the thread has exited. */
  alive: boolean;
  /** The id of the task the worker is running. */
  task: number | undefined;
  /** An uncaught error the thread reported; its exit follows. */
  crash: Error | undefined;
}

/** Rebuilds a worker's error in this thread, keeping message, stack, code and hint. */
export function deserializeError(e: SerializedError): Error {
  const error = e.code?.startsWith("KILN_")
    ? new KilnError(e.code, e.message, { hint: e.hint })
    : new Error(e.message);
  error.name = e.name;
  if (e.stack) error.stack = e.stack;
  return error;
}

/**
 * The worker's entry. Built code runs `worker-entry.js` directly; from sources (tests) the `.ts` entry
 * is imported after registering tsx inside the worker, since Node 20 does not apply `--import` hooks
 * to a worker's own entry module.
 */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith(".ts")) {
    // The bundle and the per-file build keep the worker entry at different depths.
    const bundled = import.meta.url.includes("/dist/bundle/");
    const entry = join(
      kilnPackageRoot(),
      "dist",
      ...(bundled ? ["bundle"] : []),
      "runner",
      "worker-entry.js",
    );
    return new Worker(entry, { workerData });
  }
  const entry = new URL("./worker-entry.ts", import.meta.url).href;
  const bootstrap = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** postMessage refused a task: say which input could not be copied (structured clone names none). */
function notSendable(message: TaskMessage, error: Error): Error {
  if (error.name !== "DataCloneError") return error;
  const bad = Object.keys(message.inputs).find((name) => {
    try {
      structuredClone(message.inputs[name]);
      return false;
    } catch {
      return true;
    }
  });
  return new RunnerError(
    "KILN_RUNNER_NOT_THREAD_SAFE",
    `Input ${bad === undefined ? "" : `"${bad}" `}of node "${message.node}" cannot be sent to a worker thread: ${error.message}`,
    { cause: error, hint: NOT_SENDABLE_HINT },
  );
}

/** A fixed set of worker threads that run nodes by name; tasks wait for a free worker. */
export class WorkerPool {
  readonly #workers: PoolWorker[] = [];
  readonly #pending = new Map<number, Pending>();
  readonly #queue: Array<{ message: TaskMessage; transfer: ArrayBuffer[] }> = [];
  #nextId = 1;
  #closed = false;

  private constructor() {}

  /** Starts `size` workers and waits until each has loaded its thread codecs and the pipeline. */
  static async start(size: number, setup: WorkerSetup): Promise<WorkerPool> {
    const pool = new WorkerPool();
    const ready = Array.from({ length: size }, () => {
      const worker = startWorker(setup);
      const entry: PoolWorker = { worker, busy: true, alive: true, task: undefined, crash: undefined };
      pool.#workers.push(entry);
      return new Promise<void>((resolve, reject) => {
        worker.on("message", (reply: WorkerReply) => {
          if ("type" in reply) {
            if (reply.type === "ready") {
              entry.busy = false;
              resolve();
              pool.#drain();
            } else reject(deserializeError(reply.error));
            return;
          }
          const task = pool.#pending.get(reply.id);
          pool.#pending.delete(reply.id);
          entry.busy = false;
          entry.task = undefined;
          if (task) {
            if (reply.ok) task.resolve({ outputs: reply.outputs, encoded: reply.encoded });
            else task.reject(deserializeError(reply.error));
          }
          pool.#drain();
        });
        worker.on("error", (error) => {
          entry.crash = error; // the exit event follows and reports it
          reject(error);
        });
        worker.on("exit", (code) => {
          entry.alive = false;
          if (pool.#closed) return;
          const error = pool.#exitError(entry, code);
          reject(error);
          pool.#workerExited(entry, error);
        });
      });
    });
    try {
      await Promise.all(ready);
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /**
   * Runs node `node` on `inputs` in a free worker. `transfer` lists buffers to move instead of copy;
   * `encoded` names the inputs that hold thread-codec payloads.
   */
  run(
    node: string,
    inputs: Record<string, unknown>,
    options: { transfer?: ArrayBuffer[]; encoded?: string[] } = {},
  ): Promise<TaskResult> {
    return new Promise((resolve, reject) => {
      if (!this.#workers.some((w) => w.alive)) {
        reject(this.#noWorkersLeft());
        return;
      }
      const id = this.#nextId++;
      this.#pending.set(id, { node, resolve, reject });
      this.#queue.push({
        message: { id, node, inputs, encoded: options.encoded ?? [] },
        transfer: options.transfer ?? [],
      });
      this.#drain();
    });
  }

  #drain(): void {
    for (const entry of this.#workers) {
      if (this.#queue.length === 0) return;
      if (entry.busy || !entry.alive) continue;
      const { message, transfer } = this.#queue.shift()!;
      entry.busy = true;
      entry.task = message.id;
      try {
        entry.worker.postMessage(message, transfer);
      } catch (error) {
        entry.busy = false;
        entry.task = undefined;
        const task = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        task?.reject(notSendable(message, error as Error));
      }
    }
  }

  /** The error for a worker thread that exited while the pool was open, naming the node it was running. */
  #exitError(entry: PoolWorker, code: number): RunnerError {
    const node = entry.task === undefined ? undefined : this.#pending.get(entry.task)?.node;
    const when = node === undefined ? "" : ` while running node "${node}"`;
    const why = entry.crash ? `: ${entry.crash.message}` : "";
    return new RunnerError(
      "KILN_RUNNER_WORKER_EXITED",
      `A ParallelRunner worker thread exited (code ${code})${when}${why}.`,
      {
        hint: "A node may have called process.exit(), thrown outside its promise, or run out of memory; run it with SequentialRunner to see.",
        ...(entry.crash ? { cause: entry.crash } : {}),
      },
    );
  }

  /**
   * Fails only the task the exited worker was running: nodes in flight in other workers finish, and
   * queued tasks go to the workers left (or fail when there are none).
   */
  #workerExited(entry: PoolWorker, error: RunnerError): void {
    if (entry.task !== undefined) {
      const task = this.#pending.get(entry.task);
      this.#pending.delete(entry.task);
      entry.task = undefined;
      task?.reject(error);
    }
    if (this.#workers.some((w) => w.alive)) return;
    const left = this.#noWorkersLeft(error);
    for (const { message } of this.#queue.splice(0)) {
      this.#pending.get(message.id)?.reject(left);
      this.#pending.delete(message.id);
    }
  }

  #noWorkersLeft(cause?: Error): RunnerError {
    return new RunnerError("KILN_RUNNER_WORKER_EXITED", "Every ParallelRunner worker thread has exited.", {
      hint: "See the first node that failed: its worker exited while running it.",
      ...(cause ? { cause } : {}),
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
  }
}
