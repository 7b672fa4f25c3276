import {
  createLogger,
  type Logger,
  type LogLevel,
  type LogRecord,
  setDefaultLogger,
} from "../logging/index.js";

/** Global output options every command takes. */
export interface OutputOptions {
  quiet?: boolean;
  verbose?: boolean;
  logFormat?: "text" | "json";
}

const jsonSink = (record: LogRecord) => {
  process.stderr.write(
    `${JSON.stringify({ time: new Date(record.time).toISOString(), level: record.level, message: record.message, ...record.fields })}\n`,
  );
};

const textSink = (record: LogRecord) => {
  const clock = new Date(record.time).toTimeString().slice(0, 8);
  const tag = record.level === "info" ? "" : `${record.level.toUpperCase()} `;
  process.stderr.write(`${clock} ${tag}${record.message}\n`);
};

/** Sets the process logger from `--quiet`, `--verbose` and `--log-format`. */
export function setUpLogging(options: OutputOptions): Logger {
  const level: LogLevel = options.verbose ? "debug" : options.quiet ? "warn" : "info";
  const logger = createLogger({ level, sink: options.logFormat === "json" ? jsonSink : textSink });
  setDefaultLogger(logger);
  return logger;
}
