import { getDefaultLogger, type Logger } from "kiln";
import type { InputLogOptions } from "../monitor/input-log.js";
import { serveWithWorkers } from "./cluster-primary.js";
import { loadForServing, type ModelSource } from "./model-source.js";
import { type ScoringServerOptions, startScoringServer } from "./scoring-server.js";

/** Options of {@link serveModel}: the server's, plus where the model comes from and how many processes. */
export interface ServeModelOptions extends Omit<ScoringServerOptions, "model" | "logger"> {
  model: ModelSource;
  /** Processes that serve (default 1: this one). More uses node:cluster: each loads the model. */
  workers?: number;
  logger?: Logger;
  /** Called once the server listens (with workers: once the first has loaded the model). */
  onListening?: (url: string) => void;
  /** Called once the model is loaded and requests are answered. */
  onReady?: () => void;
  /** Records a sample of the predicted rows (`--log-inputs`); each worker writes its own parts. */
  inputLog?: InputLogOptions;
}

/**
 * Serves a model until SIGTERM or SIGINT, then shuts down gracefully: stops accepting, lets the
 * requests in flight finish, closes the model, and resolves (a second signal exits at once, with
 * code 1). With `workers` > 1, a primary process runs that many node:cluster workers sharing the
 * port and starts a new one when one dies.
 * @throws the model loader's error (after closing the server) when the model cannot be loaded.
 */
export async function serveModel(options: ServeModelOptions): Promise<void> {
  if ((options.workers ?? 1) > 1) return serveWithWorkers(options);
  const logger = options.logger ?? getDefaultLogger();
  const server = await startScoringServer({
    ...options,
    logger,
    model: loadForServing(options.model, options.inputLog, logger),
  });
  options.onListening?.(server.url);
  const stopped = untilSignal(logger, () => server.close());
  try {
    await server.ready;
  } catch (error) {
    stopped.cancel();
    await server.close({ graceMs: 0 });
    throw error;
  }
  options.onReady?.();
  await stopped.done;
}

/**
 * Waits for SIGTERM or SIGINT, then runs `stop`; a second signal during `stop` exits with 1.
 * `cancel` removes the handlers.
 */
export function untilSignal(
  logger: Logger,
  stop: () => Promise<void>,
): { done: Promise<void>; cancel(): void } {
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    let stopping = false;
    onSignal = (signal) => {
      if (stopping) {
        logger.warn(`${signal} again: exiting without waiting for requests in flight.`);
        process.exit(1);
      }
      stopping = true;
      logger.info(`${signal}: finishing the requests in flight, then stopping.`);
      stop().then(resolve, reject);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
  const cancel = () => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  };
  return { done: done.finally(cancel), cancel };
}
