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
import { ProgressLine } from "./progress-line.js";

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

/** For a terminal: the usual lines, with the live progress line erased before each and redrawn after. */
function terminalSink(line: ProgressLine): (record: LogRecord) => void {
  return (record) => {
    line.clear();
    process.stderr.write(formatLine(record));
    line.draw();
  };
}

let progressLine: ProgressLine | undefined;

/**
 * The live progress line for `kiln run` (feed it the run's progress, `stop()` it when the run ends);
 * undefined when stderr is not a terminal, the format is JSON, or info lines are not shown (`--quiet`).
 */
export function liveProgress(): ProgressLine | undefined {
  return progressLine;
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
  const terminal = format === "text" && process.stderr.isTTY === true;
  progressLine =
    terminal && (level === "debug" || level === "info") ? new ProgressLine(process.stderr) : undefined;
  const sink = format === "json" ? jsonSink : progressLine ? terminalSink(progressLine) : plainSink;
  const logger = createLogger({ level, sink });
  setDefaultLogger(logger);
  return logger;
}
