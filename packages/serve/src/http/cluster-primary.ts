import cluster, { type Worker } from "node:cluster";
import { fileURLToPath } from "node:url";
import { getDefaultLogger } from "kiln";
import { ServeError } from "../errors.js";
import type { ServeModelOptions } from "./serve-model.js";

/** What the primary hands each worker (through the environment, as JSON). */
export interface WorkerConfig {
  model: ServeModelOptions["model"];
  host?: string;
  port?: number;
  bodyLimit?: number;
  timeoutMs?: number;
  inputLog?: ServeModelOptions["inputLog"];
  batch?: ServeModelOptions["batch"];
  logLevel: string;
}

/** Messages a worker sends the primary. */
export type WorkerMessage =
  | { type: "ready"; url: string }
  | { type: "failed"; code?: string; message: string; hint?: string };

// An environment variable, not an error code (backquotes keep it out of the error-code check).
export const WORKER_CONFIG_ENV = `KILN_SERVE_WORKER`;

/** A worker that dies before serving this many times in a row means it never will: stop trying. */
const MAX_FAILED_STARTS = 5;

/**
 * The node:cluster primary of `kiln models serve --workers N`: forks N workers (each loads the
 * model, then listens on the shared port), starts a new one whenever one dies, and on SIGTERM or
 * SIGINT tells every worker to finish its requests in flight and waits for them all to exit.
 * A worker that cannot load the model before any has served stops everything with its error.
 */
export function serveWithWorkers(options: ServeModelOptions): Promise<void> {
  const logger = options.logger ?? getDefaultLogger();
  const config: WorkerConfig = {
    model: options.model,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.inputLog === undefined ? {} : { inputLog: options.inputLog }),
    ...(options.batch === undefined ? {} : { batch: options.batch }),
    logLevel: logger.level,
  };
  cluster.setupPrimary({ exec: fileURLToPath(new URL("./cluster-worker.js", import.meta.url)), args: [] });
  const live = new Set<Worker>();
  let shuttingDown = false;
  let everReady = false;
  let failedStarts = 0;

  return new Promise<void>((resolve, reject) => {
    let failure: ServeError | undefined;
    const finish = () => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      if (failure) reject(failure);
      else resolve();
    };
    const shutDown = () => {
      shuttingDown = true;
      if (live.size === 0) finish();
      for (const worker of live) {
        if (worker.isConnected()) worker.send({ type: "shutdown" });
        else worker.kill("SIGTERM");
      }
    };
    const start = () => {
      const worker = cluster.fork({ [WORKER_CONFIG_ENV]: JSON.stringify(config) });
      live.add(worker);
      let ready = false;
      let reported: WorkerMessage | undefined;
      worker.on("message", (message: WorkerMessage) => {
        if (message?.type === "ready") {
          ready = true;
          failedStarts = 0;
          logger.info(`worker ${worker.process.pid} is serving`);
          if (!everReady) {
            everReady = true;
            options.onListening?.(message.url);
            options.onReady?.();
          }
        } else if (message?.type === "failed") reported = message;
      });
      worker.on("error", () => {}); // a dead worker's channel; its exit is what counts
      worker.on("exit", (code, signal) => {
        live.delete(worker);
        if (shuttingDown) {
          if (live.size === 0) finish();
          return;
        }
        const how = signal ?? `code ${code}`;
        if (!ready && (reported?.type === "failed" || !everReady)) failedStarts++;
        if (reported?.type === "failed" && !everReady) {
          failure = new ServeError(reported.code ?? "KILN_SERVE_WORKER_FAILED", reported.message, {
            ...(reported.hint ? { hint: reported.hint } : {}),
          });
          shutDown();
          return;
        }
        if (failedStarts >= MAX_FAILED_STARTS) {
          failure = new ServeError(
            "KILN_SERVE_WORKER_FAILED",
            `Serving workers keep dying before they serve (${failedStarts} in a row, the last with ${how}).`,
            { hint: "Run with --workers 1 to see the error in this process." },
          );
          shutDown();
          return;
        }
        logger.warn(`worker ${worker.process.pid} died (${how}); starting another`);
        setTimeout(start, failedStarts === 0 ? 0 : Math.min(100 * 2 ** failedStarts, 5000));
      });
    };
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      if (++signals > 1) {
        logger.warn(`${signal} again: stopping the workers without waiting.`);
        for (const worker of live) worker.process.kill("SIGKILL");
        process.exit(1);
      }
      logger.info(`${signal}: the workers finish their requests in flight, then stop.`);
      shutDown();
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    const count = options.workers ?? 1;
    for (let i = 0; i < count; i++) start();
  });
}
