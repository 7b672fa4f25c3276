// One worker process of `kiln models serve --workers N` (started by cluster-primary.ts): loads the
// model, then listens on the port the workers share, and stops gracefully when told to.
import { createLogger, KilnError, type LogLevel, setDefaultLogger } from "kiln";
import { WORKER_CONFIG_ENV, type WorkerConfig, type WorkerMessage } from "./cluster-primary.js";
import { loadForServing } from "./model-source.js";
import { startScoringServer } from "./scoring-server.js";

/** Sends the primary a message; resolves once it is handed over (or at once without a primary). */
const tell = (message: WorkerMessage) =>
  new Promise<void>((resolve) => {
    if (process.send) process.send(message, undefined, {}, () => resolve());
    else resolve();
  });

async function main(): Promise<void> {
  const config = JSON.parse(process.env[WORKER_CONFIG_ENV] ?? "{}") as WorkerConfig;
  const logger = createLogger({ level: config.logLevel as LogLevel });
  setDefaultLogger(logger);
  let stopping = false;
  let stop: () => void = () => {
    stopping = true;
  };
  process.on("SIGTERM", () => stop());
  process.on("SIGINT", () => stop());
  process.on("message", (message: { type?: string }) => {
    if (message?.type === "shutdown") stop();
  });
  // The primary is gone: nobody will restart or stop this worker, so stop now.
  process.on("disconnect", () => stop());
  try {
    const model = await loadForServing(config.model, config.inputLog, logger);
    // Listening only once the model is loaded: a restarted worker never answers 503 on the shared port.
    const server = await startScoringServer({ ...config, model, logger });
    stop = () => {
      stop = () => {};
      void server.close().then(() => process.exit(0));
    };
    if (stopping) stop();
    else await tell({ type: "ready", url: server.url });
  } catch (error) {
    await tell(
      error instanceof KilnError
        ? {
            type: "failed",
            code: error.code,
            message: error.message,
            ...(error.hint ? { hint: error.hint } : {}),
          }
        : { type: "failed", message: error instanceof Error ? error.message : String(error) },
    );
    process.exit(1);
  }
}

void main();
