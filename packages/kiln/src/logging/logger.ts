/** Log levels, lowest first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One log event, as sinks receive it. `fields` carries structured data for JSON output. */
export interface LogRecord {
  level: Exclude<LogLevel, "silent">;
  message: string;
  time: number;
  fields?: Record<string, unknown>;
}

/** Where records go: the CLI installs a terminal or JSON sink; tests install a recorder. */
export type LogSink = (record: LogRecord) => void;

/** The small logging surface Kiln's runners, catalog and session use. */
export interface Logger {
  readonly level: LogLevel;
  isEnabled(level: Exclude<LogLevel, "silent">): boolean;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

const listeners = new Set<LogSink>();

/**
 * Also sends every record that any Kiln logger emits (at or above that logger's level) to
 * `listener`, until the returned function is called: how a plugin keeps a run's log lines. A
 * listener that throws is dropped from that record silently, so it can never break logging.
 * @example const stop = addLogListener((r) => lines.push(r)); … stop();
 */
export function addLogListener(listener: LogSink): () => void {
  // A wrapper per call, so the same function added twice is removed once per stop().
  const entry: LogSink = (record) => listener(record);
  listeners.add(entry);
  return () => {
    listeners.delete(entry);
  };
}

function notify(record: LogRecord): void {
  for (const listener of listeners) {
    try {
      listener(record);
    } catch {
      // A broken listener must not stop the log line or the other listeners.
    }
  }
}

/** Plain text lines on stderr: `12:03:04 INFO  message`. */
export const stderrSink: LogSink = (record) => {
  const clock = new Date(record.time).toISOString().slice(11, 19);
  process.stderr.write(`${clock} ${record.level.toUpperCase().padEnd(5)} ${record.message}\n`);
};

/** A logger that forwards records at or above `level` to `sink` (default: plain lines on stderr). */
export function createLogger(options: { level?: LogLevel; sink?: LogSink } = {}): Logger {
  const level = options.level ?? "info";
  const sink = options.sink ?? stderrSink;
  const threshold = rank[level];
  const emit = (lvl: Exclude<LogLevel, "silent">, message: string, fields?: Record<string, unknown>) => {
    if (rank[lvl] < threshold) return;
    const record: LogRecord = fields
      ? { level: lvl, message, time: Date.now(), fields }
      : { level: lvl, message, time: Date.now() };
    sink(record);
    if (listeners.size > 0) notify(record);
  };
  return {
    level,
    isEnabled: (lvl) => rank[lvl] >= threshold,
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
  };
}

let defaultLogger: Logger | undefined;

/** The process-wide default logger (level from `KILN_LOG_LEVEL`, else `info`). */
export function getDefaultLogger(): Logger {
  if (!defaultLogger) {
    const fromEnv = process.env.KILN_LOG_LEVEL as LogLevel | undefined;
    defaultLogger = createLogger({ level: fromEnv && fromEnv in rank ? fromEnv : "info" });
  }
  return defaultLogger;
}

/** Replaces the process-wide default logger (the CLI does this from `conf/logging.yml` and flags). */
export function setDefaultLogger(logger: Logger): void {
  defaultLogger = logger;
}
