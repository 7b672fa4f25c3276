// What the SQL store shares between its queries: row shapes, their mapping, and batched inserts.
import type { SqlExecutor } from "./sql-driver.js";
import type { RunInfo, RunStatus } from "./types.js";

// Rows per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const CHUNK = 200;

/** Inserts `rows` in multi-row statements of at most CHUNK rows; `tail` follows each (`ON CONFLICT …`). */
export async function insertMany(
  tx: SqlExecutor,
  head: string,
  columns: number,
  rows: ReadonlyArray<readonly unknown[]>,
  tail = "",
): Promise<void> {
  const row = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    await tx.run(`${head} VALUES ${part.map(() => row).join(", ")}${tail}`, part.flat());
  }
}

/** A row of `kiln_runs` joined with its experiment's name. */
export interface RunRow {
  run_id: string;
  experiment_id: string;
  experiment_name: string;
  run_name: string;
  status: string;
  start_time: number;
  end_time: number | null;
  user_id: string | null;
  artifact_uri: string;
  error_code: string | null;
  error_message: string | null;
}

/** A row of `kiln_metrics` or `kiln_latest_metrics`. */
export interface MetricRow {
  run_id: string;
  key: string;
  step: number;
  logged_at: number;
  value: number | null;
  is_nan: number;
}

/** The columns a {@link RunRow} is selected with (`r`: runs, `e`: experiments). */
export const RUN_COLUMNS = `r.run_id, r.experiment_id, e.name AS experiment_name, r.run_name, r.status, r.start_time,
  r.end_time, r.user_id, r.artifact_uri, r.error_code, r.error_message`;

/** A run row as the store's {@link RunInfo}. */
export function runInfo(row: RunRow): RunInfo {
  return {
    runId: row.run_id,
    experimentId: row.experiment_id,
    experimentName: row.experiment_name,
    runName: row.run_name,
    status: row.status as RunStatus,
    startTime: Number(row.start_time),
    endTime: row.end_time === null ? null : Number(row.end_time),
    artifactUri: row.artifact_uri,
    userId: row.user_id,
    errorCode: row.error_code,
    errorMessage: row.error_message,
  };
}

/** A stored metric value: NaN is kept as a flag, since SQLite stores NaN as NULL. */
export function metricValue(row: Pick<MetricRow, "value" | "is_nan">): number {
  return Number(row.is_nan) === 1 ? Number.NaN : Number(row.value);
}

/** `?, ?, …` for `n` values. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

/** Sets tags (replacing values of keys already set). */
export function upsertTags(
  tx: SqlExecutor,
  runId: string,
  tags: ReadonlyArray<readonly [string, string]>,
): Promise<void> {
  return insertMany(
    tx,
    "INSERT INTO kiln_tags (run_id, key, value)",
    3,
    [...lastWins(tags)].map(([k, v]) => [runId, k, v]),
    " ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value",
  );
}

/** Pairs with one value per key (the last), since one INSERT may not touch a row twice. */
export function lastWins(pairs: ReadonlyArray<readonly [string, string]>): Map<string, string> {
  return new Map(pairs.map(([k, v]) => [k, v]));
}
