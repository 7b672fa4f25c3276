import { describe, expect, it } from "vitest";
import type { RunSummary } from "../store/types.js";
import { parseFilter } from "./filter.js";
import { parseOrderBy, searchRuns } from "./search-runs.js";

const run = (id: string, extra: Partial<RunSummary>): RunSummary => ({
  runId: id,
  experimentId: "e",
  experimentName: "flights",
  runName: "__default__",
  status: "FINISHED",
  startTime: Number(id.slice(1)),
  endTime: null,
  artifactUri: "/a",
  userId: "ada",
  errorCode: null,
  errorMessage: null,
  params: {},
  tags: {},
  metrics: {},
  ...extra,
});

const runs = [
  run("r1", {
    metrics: { r2_score: 0.2 },
    params: { "model_options.test_size": "0.2", model: "linear" },
    tags: { "kiln.env": "local" },
  }),
  run("r2", {
    metrics: { r2_score: 0.7 },
    params: { "model_options.test_size": "0.20", model: "Linear-v2" },
    tags: { "kiln.env": "prod" },
  }),
  run("r3", {
    metrics: { r2_score: 0.5 },
    params: { "model_options.test_size": "0.3", model: "tree" },
    status: "FAILED",
  }),
  run("r4", { params: { model: "10" } }),
  run("r5", { metrics: { r2_score: Number.NaN }, params: { model: "9" } }),
];
const ids = (filter?: string, orderBy?: string) =>
  searchRuns(runs, {
    ...(filter === undefined ? {} : { filter: parseFilter(filter) }),
    ...(orderBy === undefined ? {} : { orderBy: parseOrderBy(orderBy) }),
  }).map((r) => r.runId);

describe("parseFilter and searchRuns", () => {
  it("read MLflow's examples", () => {
    expect(parseFilter("metrics.r2_score > 0.3 and params.model_options.test_size = 0.2")).toEqual({
      clauses: [
        { identifier: { entity: "metrics", key: "r2_score", pos: 0 }, comparator: ">", value: 0.3 },
        {
          identifier: { entity: "params", key: "model_options.test_size", pos: 27 },
          comparator: "=",
          value: 0.2,
        },
      ],
    });
    expect(ids("metrics.r2_score > 0.3 and params.model_options.test_size = 0.2")).toEqual(["r2"]);
    expect(ids("params.model_options.test_size = '0.2'")).toEqual(["r1"]); // text compares as text
    expect(ids('attributes.status = "FAILED"')).toEqual(["r3"]);
    expect(ids("tags.`kiln.env` != 'local'")).toEqual(["r2"]); // a run without the tag never matches
    expect(ids("params.model LIKE 'linear%'")).toEqual(["r1"]); // LIKE minds case
    expect(ids("params.model LIKE '%inear%'")).toEqual(["r2", "r1"]);
    expect(ids("params.model ILIKE 'LINEAR%'")).toEqual(["r2", "r1"]);
    expect(ids("params.model IN ('tree', 'linear') AND metric.r2_score >= 0.2")).toEqual(["r3", "r1"]);
    expect(ids("params.model NOT IN ('tree')")).toEqual(["r5", "r4", "r2", "r1"]);
    expect(ids("attributes.`run name` = '__default__' and run.start_time <= 2")).toEqual(["r2", "r1"]);
    expect(ids("")).toEqual(["r5", "r4", "r3", "r2", "r1"]); // newest first
  });

  it("orders by metrics or params (numbers as numbers), missing values last either way", () => {
    expect(ids(undefined, "metrics.r2_score DESC")).toEqual(["r2", "r3", "r1", "r5", "r4"]);
    expect(ids(undefined, "metrics.r2_score")).toEqual(["r1", "r3", "r2", "r5", "r4"]);
    expect(ids(undefined, "params.model ASC, attributes.run_id DESC")).toEqual([
      "r5",
      "r4",
      "r2",
      "r1",
      "r3",
    ]);
    expect(searchRuns(runs, { limit: 2 }).map((r) => r.runId)).toEqual(["r5", "r4"]);
  });

  it("says which token is wrong, where, with a caret under it", () => {
    expect(() => parseFilter("metrics.r2_score ~ 0.3")).toThrow(
      expect.objectContaining({
        code: "KILN_TRACKING_BAD_FILTER",
        message:
          '--filter: unexpected character "~" at position 18:\n  metrics.r2_score ~ 0.3\n                   ^',
        hint: expect.stringContaining("metrics.r2_score > 0.3"),
      }),
    );
  });

  it.each([
    [
      "metircs.r2 > 0.3",
      'expected metrics., params., tags. or attributes. before a name (did you mean "metrics"?), found "metircs" at position 1',
    ],
    [
      "metrics.r2 > 'high'",
      "metrics.r2 is a number: compare it with a number (metrics.r2 > 0.5), found \"'high'\" at position 14",
    ],
    [
      "metrics.r2 LIKE 0.3",
      'metrics.r2 cannot be compared with LIKE; it takes =, !=, >, >=, <, <=, found "LIKE" at position 12',
    ],
    ["tags.env = prod", "expected a number or a quoted string ('text'), found \"prod\" at position 12"],
    [
      "params.a = 1 or params.b = 2",
      'OR is not supported (nor in MLflow\'s filter): run two searches, found "or" at position 14',
    ],
    ["params.a = 1 params.b = 2", 'expected AND between conditions, found "params" at position 14'],
    ["attributes.stat = 'x'", '"stat" is not a run attribute (did you mean "status"?)'],
    ["params.a IN ('x', 'y'", 'expected "," or ")" in the IN list, found the end of the text at position 22'],
    ["params.a = 'open", "the quote ' opened here is never closed at position 12"],
    ["params.a > 'x'", "> compares params.a as a number: give a number, not text"],
  ])("refuses %s", (filter, says) => {
    expect(() => parseFilter(filter)).toThrow(
      expect.objectContaining({ code: "KILN_TRACKING_BAD_FILTER", message: expect.stringContaining(says) }),
    );
  });

  it("refuses a bad order-by with its position", () => {
    expect(() => parseOrderBy("metrics.r2 DESCENDING")).toThrow(
      expect.objectContaining({
        code: "KILN_TRACKING_BAD_ORDER_BY",
        message: expect.stringContaining(
          'expected ASC, DESC or "," after the identifier, found "DESCENDING" at position 12',
        ),
      }),
    );
  });
});
