import { createLogger, LOG_LEVELS, type LogLevel, setDefaultLogger } from "kiln";
import { serveModel } from "../http/serve-model.js";
import type { ServeFlags } from "./register-commands.js";
import {
  parseBatching,
  parsePort,
  parseSampleRate,
  parseSize,
  parseTimeout,
  parseWorkers,
} from "./serve-options.js";

/**
 * `kiln models serve`: checks the flags, then serves until SIGTERM or SIGINT. `-v` (a global flag)
 * logs one line per request.
 */
export async function serveCommand(flags: ServeFlags, globals: Record<string, unknown>): Promise<void> {
  const options = {
    host: flags.host,
    port: parsePort(flags.port),
    workers: parseWorkers(flags.workers),
    bodyLimit: parseSize(flags.bodyLimit),
    timeoutMs: parseTimeout(flags.timeout),
    ...(flags.logInputs === undefined
      ? {}
      : { inputLog: { destination: flags.logInputs, sampleRate: parseSampleRate(flags.logSampleRate) } }),
  };
  const batch = parseBatching(flags.batchMaxRows, flags.batchWaitMs);
  // Plugin commands set up their own logging: -v debug, -q warn, else KILN_LOG_LEVEL or info.
  const fromEnv = LOG_LEVELS.find((l) => l === process.env.KILN_LOG_LEVEL);
  const level: LogLevel = globals.verbose ? "debug" : globals.quiet ? "warn" : (fromEnv ?? "info");
  const logger = createLogger({ level });
  setDefaultLogger(logger);
  await serveModel({
    ...options,
    ...(batch ? { batch } : {}),
    model: { uri: flags.modelUri, ...(flags.env ? { env: flags.env } : {}) },
    logger,
    onListening: (url) => logger.info(`Serving ${flags.modelUri} at ${url} (Ctrl+C stops)`),
    onReady: () => logger.info("The model is loaded: /invocations answers."),
  });
}
