// Several runs' params and metrics side by side. Pure: the API's /api/experiments/compare and the
// page of a static site (which has no server to ask) both use it.
import type { CompareResponse, CompareRow, TrackedRun } from "../experiment-types.js";

function rows<T extends string | number>(
  runs: readonly TrackedRun[],
  pick: (run: TrackedRun) => Record<string, T>,
): CompareRow<T>[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();
  return keys.map((key) => {
    const values = runs.map((r) => (Object.hasOwn(pick(r), key) ? pick(r)[key]! : null));
    // A missing value differs from any value; "NaN" equals "NaN" here (the same thing was logged).
    const differs = new Set(values.map((v) => (v === null ? "\u0000missing" : `${typeof v}:${v}`))).size > 1;
    return { key, values, differs };
  });
}

/** The params and metrics of `runs`, one row per name (sorted), values in the runs' order. */
export function compareRuns(runs: readonly TrackedRun[]): CompareResponse {
  return {
    runs: runs.map(({ runId, runName, experiment, status, startTime }) => ({
      runId,
      runName,
      experiment,
      status,
      startTime,
    })),
    params: rows(runs, (r) => r.params),
    metrics: rows(runs, (r) => r.metrics),
  };
}
