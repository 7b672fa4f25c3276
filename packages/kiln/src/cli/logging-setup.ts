import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import {
  createLogger,
  LOG_LEVELS,
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

const formatLine = (record: LogRecord) => {
  const clock = new Date(record.time).toTimeString().slice(0, 8);
  const tag = record.level === "info" ? "" : `${record.level.toUpperCase()} `;
  return `${clock} ${tag}${record.message}\n`;
};

const plainSink = (record: LogRecord) => void process.stderr.write(formatLine(record));

/**
 * For a terminal: the usual lines, plus one live line at the bottom while a pipeline runs
 * (`[3/10 nodes] 1.2 s`), redrawn in place and cleared before each log line.
 */
function terminalSink(): (record: LogRecord) => void {
  const clear = "\r\x1b[2K";
  let progress: { done: number; total: number; started: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    if (!progress) return;
    const elapsed = ((performance.now() - progress.started) / 1000).toFixed(1);
    process.stderr.write(`${clear}[${progress.done}/${progress.total} nodes] ${elapsed} s`);
  };
  return (record) => {
    if (progress) process.stderr.write(clear);
    process.stderr.write(formatLine(record));
    const f = record.fields;
    if (f?.event === "node_completed" && typeof f.total === "number" && typeof f.completed === "number") {
      progress ??= { done: 0, total: f.total, started: performance.now() };
      progress.done = f.completed;
      if (!timer) {
        timer = setInterval(draw, 250);
        timer.unref();
      }
    }
    if (f?.event === "pipeline_completed" || f?.event === "node_failed") {
      clearInterval(timer);
      timer = undefined;
      progress = undefined;
      return;
    }
    draw();
  };
}

/** `conf/logging.yml` of the project around the working directory: `level` and `format`. */
function projectLogging(): { level?: LogLevel; format?: "text" | "json" } {
  let dir = process.cwd();
  for (let i = 0; i < 20; i++) {
    const file = join(dir, "conf", "logging.yml");
    if (existsSync(file)) {
      const doc = parse(readFileSync(file, "utf8"), { schema: "core" }) as Record<string, unknown> | null;
      const wanted = typeof doc?.level === "string" ? doc.level.toLowerCase() : undefined;
      const level = LOG_LEVELS.find((l) => l === wanted);
      if (wanted !== undefined && level === undefined) {
        process.stderr.write(
          `WARN ${file}: level "${doc?.level}" is not one of ${LOG_LEVELS.join(", ")}; using info.\n`,
        );
      }
      const format = doc?.format === "json" || doc?.format === "text" ? doc.format : undefined;
      return { ...(level ? { level } : {}), ...(format ? { format } : {}) };
    }
    if (existsSync(join(dir, "package.json"))) break;
    const parent = join(dir, "..");
    if (parent === dir) break;
    dir = parent;
  }
  return {};
}

/**
 * Sets the process logger: flags (`--quiet`, `--verbose`, `--log-format`) win over the project's
 * `conf/logging.yml`, which wins over the defaults (info, text).
 */
export function setUpLogging(options: OutputOptions): Logger {
  const fromFile = projectLogging();
  const level: LogLevel = options.verbose ? "debug" : options.quiet ? "warn" : (fromFile.level ?? "info");
  const format = options.logFormat ?? fromFile.format ?? "text";
  const sink = format === "json" ? jsonSink : process.stderr.isTTY ? terminalSink() : plainSink;
  const logger = createLogger({ level, sink });
  setDefaultLogger(logger);
  return logger;
}
