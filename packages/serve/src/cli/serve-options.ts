import { ServeError } from "../errors.js";

function badOption(message: string, hint: string): ServeError {
  return new ServeError("KILN_SERVE_BAD_OPTION", message, { hint });
}

/** `--port`: 0 to 65535 (0 picks a free port). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw badOption(
      `--port must be a whole number from 0 to 65535, got "${value}".`,
      "e.g. --port 8080 (0 picks a free port).",
    );
  }
  return port;
}

/** `--workers`: a whole number from 1 (1 serves from this process, more with node:cluster). */
export function parseWorkers(value: string): number {
  const workers = Number(value);
  if (!/^\d+$/.test(value) || workers < 1 || workers > 256) {
    throw badOption(
      `--workers must be a whole number from 1 to 256, got "${value}".`,
      "e.g. --workers 2 (one per core).",
    );
  }
  return workers;
}

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1024,
  k: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
  gib: 1024 ** 3,
};

/** `--body-limit`: bytes, or a number with a unit (`512kb`, `20mb`): units are powers of 1024. */
export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : Number.NaN;
  if (!(bytes >= 1)) {
    throw badOption(
      `--body-limit must be a size such as 20mb, 512kb or 1048576 (bytes), got "${value}".`,
      "Units: b, kb, mb, gb (also k, m, g, kib, mib, gib), all powers of 1024.",
    );
  }
  return bytes;
}

const TIME_UNITS: Record<string, number> = { "": 1000, s: 1000, ms: 1, m: 60_000, min: 60_000 };

/** `--timeout`: seconds (as MLflow's), or a number with `ms`, `s` or `m`. Returns milliseconds. */
export function parseTimeout(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = m ? TIME_UNITS[m[2]!.toLowerCase()] : undefined;
  const ms = m && unit !== undefined ? Math.round(Number(m[1]) * unit) : Number.NaN;
  if (!(ms >= 1 && ms <= 2 ** 31 - 1)) {
    throw badOption(
      `--timeout must be a duration such as 60 (seconds), 30s, 500ms or 2m, got "${value}".`,
      "It bounds each request, receiving and predicting; MLflow's default is 60 seconds.",
    );
  }
  return ms;
}

/** `--log-sample-rate`: the share of predictions whose rows are logged, above 0 and at most 1. */
export function parseSampleRate(value: string): number {
  const rate = Number(value);
  if (value.trim() === "" || !(rate > 0 && rate <= 1)) {
    throw badOption(
      `--log-sample-rate must be a number above 0 and at most 1, got "${value}".`,
      "e.g. --log-sample-rate 0.1 logs the rows of one prediction in ten (1, the default, logs all).",
    );
  }
  return rate;
}

/**
 * `--batch-max-rows` and `--batch-wait-ms`: batching options, or undefined when off. A wait alone
 * is refused (it would do nothing).
 */
export function parseBatching(
  maxRows: string | undefined,
  waitMs: string | undefined,
): { maxRows: number; waitMs: number } | undefined {
  if (maxRows === undefined) {
    if (waitMs === undefined) return undefined;
    throw badOption(
      "--batch-wait-ms needs --batch-max-rows: batching is off without it.",
      "e.g. --batch-max-rows 64 --batch-wait-ms 2",
    );
  }
  const rows = Number(maxRows);
  if (!/^\d+$/.test(maxRows) || rows < 1 || rows > 1_000_000) {
    throw badOption(
      `--batch-max-rows must be a whole number from 1 to 1000000, got "${maxRows}".`,
      "e.g. --batch-max-rows 64 (the most rows one prediction takes).",
    );
  }
  const wait = waitMs === undefined ? 0 : Number(waitMs);
  if (waitMs !== undefined && (!/^\d+(\.\d+)?$/.test(waitMs) || wait > 10_000)) {
    throw badOption(
      `--batch-wait-ms must be a number of milliseconds from 0 to 10000, got "${waitMs}".`,
      "e.g. --batch-wait-ms 2; 0 batches only the requests that arrive while a prediction runs.",
    );
  }
  return { maxRows: rows, waitMs: wait };
}
