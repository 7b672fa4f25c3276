import { describe, expect, it } from "vitest";
import type { TrackedRun } from "../../src/api/types.js";
import {
  identifier,
  keyColumns,
  MAX_METRIC_COLUMNS,
  nextSort,
  orderByText,
  parseIdentifier,
  sortRuns,
} from "./experiments-model.js";

const run = (
  id: string,
  startTime: number,
  metrics: TrackedRun["metrics"],
  params: Record<string, string> = {},
) =>
  ({
    runId: id,
    runName: id,
    experiment: "e",
    status: "FINISHED",
    startTime,
    endTime: startTime + 10,
    durationMs: 10,
    userId: null,
    error: null,
    params,
    metrics,
    tags: {},
  }) satisfies TrackedRun;

describe("runs table columns", () => {
  it("writes identifiers as MLflow does, quoting odd names", () => {
    expect(identifier("metrics", "model.r2_score")).toBe("metrics.model.r2_score");
    expect(identifier("metrics", "f1 score")).toBe("metrics.`f1 score`");
    expect(identifier("params", "a`b")).toBe("params.`a``b`");
    expect(parseIdentifier("metrics.`f1 score`")).toEqual({ entity: "metrics", key: "f1 score" });
    expect(parseIdentifier("params.`a``b`")).toEqual({ entity: "params", key: "a`b" });
    expect(parseIdentifier("params.model.alpha")).toEqual({ entity: "params", key: "model.alpha" });
  });

  it("shows every metric up to a limit and the params that vary, named ones first", () => {
    const runs = [
      run("a", 1, { r2: 0.5 }, { alpha: "0.1", seed: "1" }),
      run("b", 2, { r2: 0.6 }, { alpha: "0.2", seed: "1" }),
    ];
    const metrics = Array.from(
      { length: MAX_METRIC_COLUMNS + 3 },
      (_, i) => `m${String(i).padStart(2, "0")}`,
    );
    const columns = keyColumns(runs, ["r2", ...metrics], ["alpha", "seed"], ["metrics.m10 > 1", ""]);
    expect(columns.metrics[0]!.key).toBe("m10");
    expect(columns.metrics).toHaveLength(MAX_METRIC_COLUMNS);
    expect(columns.params.map((c) => c.id)).toEqual(["params.alpha"]);
    // A param the sort names is shown even when it does not vary.
    expect(keyColumns(runs, ["r2"], ["alpha", "seed"], ["params.seed"]).params.map((c) => c.key)).toEqual([
      "seed",
      "alpha",
    ]);
  });
});

describe("sorting runs", () => {
  const runs = [
    run("old", 1, { r2: 0.9 }, { size: "10" }),
    run("mid", 2, { r2: "NaN" }, { size: "2" }),
    run("new", 3, { r2: 0.4 }),
    run("none", 4, {}, { size: "3" }),
  ];

  it("is newest first by default", () => {
    expect(sortRuns(runs, null).map((r) => r.runId)).toEqual(["none", "new", "mid", "old"]);
  });

  it("sorts by a metric either way, missing and NaN values last", () => {
    expect(sortRuns(runs, { key: "metrics.r2", descending: true }).map((r) => r.runId)).toEqual([
      "old",
      "new",
      "none",
      "mid",
    ]);
    expect(sortRuns(runs, { key: "metrics.r2", descending: false }).map((r) => r.runId)).toEqual([
      "new",
      "old",
      "none",
      "mid",
    ]);
  });

  it("sorts params that read as numbers as numbers", () => {
    expect(sortRuns(runs, { key: "params.size", descending: false }).map((r) => r.runId)).toEqual([
      "mid",
      "none",
      "old",
      "new",
    ]);
  });

  it("cycles a header's sort and writes it as order_by", () => {
    expect(nextSort(null, "metrics.r2")).toEqual({ key: "metrics.r2", descending: true });
    expect(nextSort({ key: "metrics.r2", descending: true }, "metrics.r2")).toEqual({
      key: "metrics.r2",
      descending: false,
    });
    expect(nextSort({ key: "metrics.r2", descending: false }, "metrics.r2")).toBeNull();
    expect(nextSort(null, "params.alpha")).toEqual({ key: "params.alpha", descending: false });
    expect(orderByText({ key: "metrics.r2", descending: true })).toBe("metrics.r2 DESC");
    expect(orderByText({ key: "duration", descending: true })).toBeUndefined();
  });
});
