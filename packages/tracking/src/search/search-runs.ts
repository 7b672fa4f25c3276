import type { RunSummary } from "../store/types.js";
import { type Clause, Cursor, type Filter, type Identifier, NUMERIC_ATTRIBUTES } from "./filter.js";
import { tokenize } from "./tokens.js";

/** One key of an order-by: an identifier and its direction. */
export interface OrderKey {
  identifier: Identifier;
  descending: boolean;
}

const ORDER_HINT =
  "Order by identifiers with an optional ASC or DESC, comma-separated: metrics.r2_score DESC, attributes.start_time. " +
  "Runs without the value come last.";

/**
 * Parses `metrics.r2_score DESC, params.alpha` (ASC by default).
 * @throws TrackingError `KILN_TRACKING_BAD_ORDER_BY` naming the position of the bad token.
 */
export function parseOrderBy(text: string): OrderKey[] {
  const code = "KILN_TRACKING_BAD_ORDER_BY";
  const cursor = new Cursor(
    text,
    tokenize(text, code, "--order-by", ORDER_HINT),
    code,
    "--order-by",
    ORDER_HINT,
  );
  const keys: OrderKey[] = [];
  if (cursor.atEnd()) return keys;
  for (;;) {
    const identifier = cursor.identifier();
    const descending = cursor.keyword("DESC") !== undefined;
    if (!descending) cursor.keyword("ASC");
    keys.push({ identifier, descending });
    const next = cursor.next();
    if (next.kind === "end") return keys;
    if (next.kind !== "comma") cursor.fail(next, 'expected ASC, DESC or "," after the identifier');
  }
}

/** The value a run has for `id`: a number for metrics and times, text otherwise; undefined when absent. */
export function runValue(run: RunSummary, id: Identifier): number | string | undefined {
  switch (id.entity) {
    case "metrics":
      return run.metrics[id.key];
    case "params":
      return run.params[id.key];
    case "tags":
      return run.tags[id.key];
    case "attributes": {
      const attrs: Record<string, number | string | null> = {
        run_id: run.runId,
        run_name: run.runName,
        status: run.status,
        start_time: run.startTime,
        end_time: run.endTime,
        user_id: run.userId,
        experiment: run.experimentName,
        artifact_uri: run.artifactUri,
      };
      return attrs[id.key] ?? undefined;
    }
  }
}

/** SQL's LIKE: `%` any run of characters, `_` one character. */
function like(text: string, pattern: string, ignoreCase: boolean): boolean {
  const source = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    .replace(/%/g, ".*")
    .replace(/_/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(text);
}

function compare(a: number | string, op: string, b: number | string): boolean {
  switch (op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    default:
      return false;
  }
}

/** Whether `run` meets one condition. A run without the metric, param or tag never does (as MLflow). */
export function meets(run: RunSummary, clause: Clause): boolean {
  const actual = runValue(run, clause.identifier);
  if (actual === undefined) return false;
  const { comparator: op, value } = clause;
  if (op === "IN" || op === "NOT IN") {
    const inList = (value as Array<number | string>).includes(String(actual));
    return op === "IN" ? inList : !inList;
  }
  if (op === "LIKE" || op === "ILIKE") return like(String(actual), String(value), op === "ILIKE");
  if (typeof value === "number") {
    // Params and tags are text: compared as numbers when they read as one ("0.20" = 0.2).
    const n = typeof actual === "number" ? actual : actual.trim() === "" ? Number.NaN : Number(actual);
    return !Number.isNaN(n) && compare(n, op, value);
  }
  return compare(String(actual), op, String(value));
}

/** True when `run` meets every clause of `filter`. */
export function matches(run: RunSummary, filter: Filter): boolean {
  return filter.clauses.every((c) => meets(run, c));
}

function orderValue(run: RunSummary, id: Identifier): number | string | undefined {
  const v = runValue(run, id);
  if (v === undefined || typeof v === "number") return v;
  if (id.entity === "attributes" && NUMERIC_ATTRIBUTES.has(id.key)) return Number(v);
  // Params that read as numbers sort as numbers (2 before 10).
  const n = Number(v);
  return v.trim() !== "" && !Number.isNaN(n) ? n : v;
}

/**
 * The runs that meet `filter`, sorted by `orderBy` (then newest first, then by id, so the order is
 * stable), at most `limit`.
 */
export function searchRuns(
  runs: readonly RunSummary[],
  options: { filter?: Filter; orderBy?: readonly OrderKey[]; limit?: number } = {},
): RunSummary[] {
  const kept = options.filter ? runs.filter((r) => matches(r, options.filter!)) : [...runs];
  const keys: OrderKey[] = [
    ...(options.orderBy ?? []),
    { identifier: { entity: "attributes", key: "start_time", pos: 0 }, descending: true },
    { identifier: { entity: "attributes", key: "run_id", pos: 0 }, descending: false },
  ];
  kept.sort((a, b) => {
    for (const { identifier, descending } of keys) {
      const x = orderValue(a, identifier);
      const y = orderValue(b, identifier);
      const xMissing = x === undefined || (typeof x === "number" && Number.isNaN(x));
      const yMissing = y === undefined || (typeof y === "number" && Number.isNaN(y));
      if (x === y || (xMissing && yMissing)) continue;
      if (xMissing) return 1; // missing (or NaN): last either way
      if (yMissing) return -1;
      // Numbers before text when a key mixes them.
      const order = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : typeof x === "number" ? -1 : 1;
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  });
  return options.limit === undefined ? kept : kept.slice(0, options.limit);
}
