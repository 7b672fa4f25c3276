// The Experiments view's pure parts: which columns the runs table shows, how it sorts, and how a
// column is written in MLflow's syntax (for the API's order_by). Tested without a browser.

import { metricNumber } from "../../src/api/experiments/metric-value.js";
import type { MetricValue, TrackedRun } from "../../src/api/types.js";

/** A column the runs table can sort by: an MLflow identifier (`metrics.r2`), or `duration`. */
export interface SortState {
  key: string;
  descending: boolean;
}

/** What the Experiments view shows; kept in the URL. */
export interface ExperimentsState {
  /** The experiment listed; null: the one `kiln run` records into. */
  experiment: string | null;
  /** The filter applied (MLflow's syntax). */
  filter: string;
  /** null: newest first. */
  sort: SortState | null;
  /** The metric charted over runs; null: the first. */
  metric: string | null;
  /** Runs ticked for comparison. */
  compare: string[];
  /** The run whose details are open. */
  run: string | null;
}

export const defaultExperimentsState = (): ExperimentsState => ({
  experiment: null,
  filter: "",
  sort: null,
  metric: null,
  compare: [],
  run: null,
});

/** A column of the runs table beyond the run's own fields. */
export interface ValueColumn {
  entity: "metrics" | "params";
  key: string;
  /** `metrics.r2`, as MLflow writes it. */
  id: string;
}

/** How many metric and parameter columns the table shows at most (the run's details have all). */
export const MAX_METRIC_COLUMNS = 8;
export const MAX_PARAM_COLUMNS = 6;

/** `entity.key` in MLflow's syntax: a name with characters a bare name cannot hold goes in backticks. */
export function identifier(entity: string, key: string): string {
  return /^[A-Za-z_][\w.\-/:]*$/.test(key) && !key.includes("..") && !key.endsWith(".")
    ? `${entity}.${key}`
    : `${entity}.\`${key.replaceAll("`", "``")}\``;
}

/** The entity and key of a column id written by {@link identifier}. */
export function parseIdentifier(id: string): { entity: string; key: string } {
  const dot = id.indexOf(".");
  if (dot < 0) return { entity: id, key: "" };
  const entity = id.slice(0, dot);
  const rest = id.slice(dot + 1);
  const key = rest.startsWith("`") && rest.endsWith("`") ? rest.slice(1, -1).replaceAll("``", "`") : rest;
  return { entity, key };
}

/**
 * The metric and parameter columns: every metric (up to {@link MAX_METRIC_COLUMNS}) and the
 * parameters whose values differ between the runs listed (those that explain the metrics), with
 * what the filter or the sort names first.
 */
export function keyColumns(
  runs: readonly TrackedRun[],
  metricKeys: readonly string[],
  paramKeys: readonly string[],
  named: readonly string[] = [],
): { metrics: ValueColumn[]; params: ValueColumn[] } {
  const column = (entity: "metrics" | "params", key: string): ValueColumn => ({
    entity,
    key,
    id: identifier(entity, key),
  });
  const namedKeys = (entity: string, keys: readonly string[]) =>
    keys.filter((k) =>
      named.some((text) => text.includes(`${entity}.${k}`) || text.includes(`${entity}.\`${k}\``)),
    );
  const varying = paramKeys.filter((k) => new Set(runs.map((r) => r.params[k] ?? "\u0000")).size > 1);
  const pick = (entity: "metrics" | "params", first: string[], rest: readonly string[], max: number) =>
    [...new Set([...first, ...rest])].slice(0, Math.max(max, first.length)).map((k) => column(entity, k));
  return {
    metrics: pick("metrics", namedKeys("metrics", metricKeys), metricKeys, MAX_METRIC_COLUMNS),
    params: pick("params", namedKeys("params", paramKeys), varying, MAX_PARAM_COLUMNS),
  };
}

/** A run's value for a sort key: a number when it reads as one, text otherwise, undefined when absent. */
export function sortValue(run: TrackedRun, key: string): number | string | undefined {
  if (key === "duration") return run.durationMs ?? undefined;
  const { entity, key: name } = parseIdentifier(key);
  if (entity === "metrics") {
    const value: MetricValue | undefined = run.metrics[name];
    return value === undefined ? undefined : metricNumber(value);
  }
  if (entity === "params" || entity === "tags") {
    const text = entity === "params" ? run.params[name] : run.tags[name];
    if (text === undefined) return undefined;
    const n = Number(text);
    return text.trim() !== "" && !Number.isNaN(n) ? n : text; // "10" after "2", as the API sorts
  }
  const attributes: Record<string, number | string | null> = {
    start_time: run.startTime,
    end_time: run.endTime,
    run_name: run.runName,
    run_id: run.runId,
    status: run.status,
  };
  return attributes[name] ?? undefined;
}

/** The runs sorted by `sort` (missing and NaN values last either way), then newest first. */
export function sortRuns(runs: readonly TrackedRun[], sort: SortState | null): TrackedRun[] {
  const keys: SortState[] = [
    ...(sort ? [sort] : []),
    { key: "attributes.start_time", descending: true },
    { key: "attributes.run_id", descending: false },
  ];
  return [...runs].sort((a, b) => {
    for (const { key, descending } of keys) {
      const x = sortValue(a, key);
      const y = sortValue(b, key);
      const xMissing = x === undefined || (typeof x === "number" && Number.isNaN(x));
      const yMissing = y === undefined || (typeof y === "number" && Number.isNaN(y));
      if (x === y || (xMissing && yMissing)) continue;
      if (xMissing) return 1;
      if (yMissing) return -1;
      const order = typeof x === typeof y ? (x! < y! ? -1 : 1) : typeof x === "number" ? -1 : 1;
      return descending ? -order : order;
    }
    return 0;
  });
}

/** The next sort when a column's header is clicked: descending first for metrics and times, then ascending, then none. */
export function nextSort(current: SortState | null, key: string): SortState | null {
  const firstDescending = key.startsWith("metrics.") || key === "attributes.start_time" || key === "duration";
  if (current?.key !== key) return { key, descending: firstDescending };
  if (current.descending === firstDescending) return { key, descending: !firstDescending };
  return null;
}

/** The sort as the API's order_by, when the API can sort by it (not by duration). */
export function orderByText(sort: SortState | null): string | undefined {
  if (!sort || sort.key === "duration") return undefined;
  return `${sort.key} ${sort.descending ? "DESC" : "ASC"}`;
}

/** A duration as `850 ms`, `12.3 s` or `4 min 05 s`. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "-";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, "0")} s`;
}

/** A time as `2026-01-02 03:04:05` in the browser's zone. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
