// The Experiments API in process over a real tracking store: a spaceflights copy run three times by
// the real `kiln run` with different --params (so the models' metrics differ), one of its datasets
// wrapped as a tracking artifact; then the same project tracked into a real PostgreSQL whose password
// must never reach an answer.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as tracking from "@kiln/tracking";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresServer, startPostgres } from "../../../../test/support/postgres-server.js";
import {
  copySpaceflights,
  type SpaceflightsCopy,
  unpairSpaceflights,
} from "../../../../test/support/spaceflights-copy.js";
import type {
  CompareResponse,
  ExperimentsResponse,
  TrackedRunDetails,
  TrackedRunsResponse,
} from "../api/experiment-types.js";
import { metricNumber } from "../api/experiments/metric-value.js";
import type { TrackingModule } from "../api/experiments/tracking-module.js";
import { VizProject } from "../api/viz-project.js";
import { type ApiContext, routeApi } from "./api-router.js";

// The shapes the viz reads must stay those @kiln/tracking exports (a typecheck error otherwise).
const typed: TrackingModule = tracking;

const R2 = "active_modelling_pipeline.r2_score";
const TEST_SIZE = "active_modelling_pipeline.model_options.test_size";
const PASSWORD = "pg-canary-never-shown";

let copy: SpaceflightsCopy;
let project: VizProject;
let context: ApiContext;

const get = async (path: string, on: ApiContext = context) => {
  const response = await routeApi(on, "GET", new URL(path, "http://viz.local"));
  const text = JSON.stringify(response.body);
  return { status: response.status, body: JSON.parse(text), text };
};
const runs = async (query = "") => (await get(`/api/experiments/runs${query}`)).body as TrackedRunsResponse;
const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;

beforeAll(async () => {
  copy = await copySpaceflights({ generateData: true });
  // The regressor wrapped as an artifact is not one file, which a training/inference pair refuses.
  await unpairSpaceflights(copy);
  // The first model's regressor is also logged as an artifact of each run.
  const catalog = join(copy.root, "conf/base/catalog.yml");
  const text = await readFile(catalog, "utf8");
  const wrapped = text.replace(
    /"\{namespace\}\.regressor":\n {2}type: json\.JSONDataset\n {2}filepath: (\S+)\n {2}versioned: true\n/,
    '"{namespace}.regressor":\n  type: tracking.ArtifactDataset\n  artifact_path: "models/{namespace}"\n  versioned: true\n  dataset: { type: json.JSONDataset, filepath: "$1" }\n',
  );
  expect(wrapped).not.toBe(text);
  await writeFile(catalog, wrapped);
  for (const params of [
    [],
    ["--params", `${TEST_SIZE}=0.3,active_modelling_pipeline.model_options.random_state=5`],
    ["--params", `${TEST_SIZE}=0.25,active_modelling_pipeline.model_options.random_state=11`],
  ]) {
    const run = copy.kiln("run", ...params);
    if (run.status !== 0) throw new Error(run.stderr);
  }
  project = await VizProject.open({ projectPath: copy.root });
  context = { project: async () => project, pipeline: "__default__" };
});

afterAll(async () => {
  await project?.close();
  await copy?.remove();
});

describe("/api/experiments", () => {
  it("names the store and its experiments", async () => {
    const { status, body } = await get("/api/experiments");
    const answer = body as ExperimentsResponse;
    expect(status).toBe(200);
    expect(answer).toMatchObject({
      store: "sqlite:///.kiln/tracking.db",
      storeExists: true,
      defaultExperiment: "spaceflights",
    });
    expect(answer.experiments.map((e) => e.name)).toEqual(["spaceflights"]);
    expect(typeof typed.searchRuns).toBe("function");
  });
});

describe("/api/experiments/runs", () => {
  it("lists the tracked runs newest first, with params, latest metrics and tags", async () => {
    const answer = await runs();
    expect(answer).toMatchObject({ experiments: ["spaceflights"], total: 3, matched: 3, filter: "" });
    expect(answer.runs).toHaveLength(3);
    const starts = answer.runs.map((r) => r.startTime);
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(answer.runs.map((r) => r.params[TEST_SIZE])).toEqual(["0.25", "0.3", "0.2"]);
    for (const run of answer.runs) {
      expect(run.status).toBe("FINISHED");
      expect(run.durationMs).toBe(run.endTime! - run.startTime);
      expect(typeof run.metrics[R2]).toBe("number");
      expect(run.tags["kiln.pipeline"]).toBe("__default__");
    }
    // Different splits and seeds, different scores.
    expect(new Set(answer.runs.map((r) => r.metrics[R2])).size).toBe(3);
    expect(answer.metricKeys).toContain(R2);
    expect(answer.metricKeys).toContain("candidate_modelling_pipeline.r2_score");
    expect(answer.paramKeys).toContain(TEST_SIZE);
  });

  it("filters in MLflow's syntax, by metric and by param", async () => {
    const all = (await runs()).runs;
    const scores = all.map((r) => metricNumber(r.metrics[R2]!)).sort((a, b) => a - b);
    const middle = scores[1]!;
    const above = await runs(q({ filter: `metrics.${R2} > ${middle}` }));
    expect(above.matched).toBe(1);
    expect(above.total).toBe(3);
    expect(metricNumber(above.runs[0]!.metrics[R2]!)).toBe(scores[2]);
    const atLeast = await runs(q({ filter: `metrics.${R2} >= ${middle} and params.${TEST_SIZE} != 0.2` }));
    expect(
      atLeast.runs.every((r) => metricNumber(r.metrics[R2]!) >= middle && r.params[TEST_SIZE] !== "0.2"),
    ).toBe(true);
    const byParam = await runs(q({ filter: `params.${TEST_SIZE} = 0.3` }));
    expect(byParam.runs.map((r) => r.params[TEST_SIZE])).toEqual(["0.3"]);
    const byTag = await runs(
      q({ filter: "tags.`kiln.pipeline` = '__default__' and attributes.status = 'FINISHED'" }),
    );
    expect(byTag.matched).toBe(3);
  });

  it("orders by a metric and keeps the limit", async () => {
    const ordered = await runs(q({ order_by: `metrics.${R2} DESC` }));
    const values = ordered.runs.map((r) => metricNumber(r.metrics[R2]!));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const byParam = await runs(q({ order_by: `params.${TEST_SIZE}`, limit: "2" }));
    expect(byParam.runs.map((r) => r.params[TEST_SIZE])).toEqual(["0.2", "0.25"]);
    expect(byParam).toMatchObject({ limit: 2, matched: 3, total: 3 });
  });

  it("answers a malformed filter or order-by with 400 and the position, named as the query parameter", async () => {
    const bad = await get(`/api/experiments/runs${q({ filter: "metrics.r2 >> 1" })}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("KILN_TRACKING_BAD_FILTER");
    expect(bad.body.error.message).toBe(
      "filter: expected a number or a quoted string ('text'), found \">\" at position 13:\n  metrics.r2 >> 1\n              ^",
    );
    expect(bad.body.error.hint).toContain("conditions joined by AND");
    const order = await get(`/api/experiments/runs${q({ order_by: "metrics.r2 UP" })}`);
    expect(order.status).toBe(400);
    expect(order.body.error.code).toBe("KILN_TRACKING_BAD_ORDER_BY");
    expect(order.body.error.message).toMatch(/^order_by: expected ASC, DESC/);
  });

  it("answers bad query parameters with 400 saying which and how", async () => {
    for (const [query, says] of [
      ["?limit=0", 'limit must be a whole number from 1 to 10000, got "0"'],
      ["?limit=many", 'got "many"'],
      ["?filtre=x", '/api/experiments/runs takes no query parameter "filtre".'],
      ["?filter=a&filter=b", 'Query parameter "filter" is given 2 times.'],
    ] as const) {
      const { status, body } = await get(`/api/experiments/runs${query}`);
      expect(status, query).toBe(400);
      expect(body.error.code).toBe("KILN_VIZ_BAD_QUERY");
      expect(body.error.message).toContain(says);
    }
    const typo = await get("/api/experiments/runs?filtre=x");
    expect(typo.body.error.hint).toContain('Did you mean "filter"?');
    const compare = await get("/api/experiments/compare?runs=only-one");
    expect(compare.status).toBe(400);
    expect(compare.body.error.message).toBe("compare takes 2 to 20 different run ids, got 1.");
  });

  it("answers an unknown experiment with 404 and the close names", async () => {
    const { status, body } = await get("/api/experiments/runs?experiment=spaceflight");
    expect(status).toBe(404);
    expect(body.error).toMatchObject({
      code: "KILN_VIZ_EXPERIMENT_NOT_FOUND",
      hint: expect.stringContaining('Did you mean "spaceflights"?'),
    });
  });
});

describe("/api/experiments/runs/:id", () => {
  it("gives a run's params, metrics with their history, tags, nodes, lineage and artifacts", async () => {
    const [newest] = (await runs()).runs;
    const { status, body } = await get(`/api/experiments/runs/${encodeURIComponent(newest!.runId)}`);
    const run = body as TrackedRunDetails;
    expect(status).toBe(200);
    expect(run.params[TEST_SIZE]).toBe("0.25");
    expect(run.metricHistory[R2]).toEqual([
      { step: 0, value: run.metrics[R2], timestamp: expect.any(Number) },
    ]);
    expect(run.nodes.map((n) => n.name)).toContain("active_modelling_pipeline.train_model_node");
    expect(run.nodes.every((n) => n.status === "success" && typeof n.durationMs === "number")).toBe(true);
    expect(run.lineage).toContainEqual(
      expect.objectContaining({
        node: "preprocess_companies_node",
        dataset: "companies",
        direction: "input",
        location: "data/01_raw/companies.csv",
      }),
    );
    expect(run.artifacts.map((a) => a.path).sort()).toEqual([
      "models/active_modelling_pipeline/regressor.json",
      "models/candidate_modelling_pipeline/regressor.json",
    ]);
    expect(run.artifacts[0]!.size).toBeGreaterThan(0);
    expect(run.artifactUri).toMatch(/^\.kiln\/artifacts\/[^/]+\/[^/]+\/artifacts$/);
    expect(run.logLines).toBeGreaterThan(0);
    expect(run).not.toHaveProperty("logs");
  });

  it("shows a metric's every step", async () => {
    const [, middle] = (await runs()).runs;
    const store = await tracking.openTrackingStore({ projectPath: copy.root });
    try {
      await store.logMetrics(
        middle!.runId,
        [0.9, 0.5, 0.31, 0.2, Number.NaN].map((value, step) => ({
          key: "loss",
          value,
          step,
          timestamp: 1000 + step,
        })),
      );
    } finally {
      await store.close();
    }
    const run = (await get(`/api/experiments/runs/${middle!.runId}`)).body as TrackedRunDetails;
    expect(run.metricHistory.loss!.map((p) => [p.step, p.value])).toEqual([
      [0, 0.9],
      [1, 0.5],
      [2, 0.31],
      [3, 0.2],
      [4, "NaN"],
    ]);
    expect(run.metrics.loss).toBe("NaN"); // the latest step; JSON has no NaN, so it is text
  });

  it("finds a run by the unique start of its id, and answers an unknown one with 404", async () => {
    const [id] = (await runs()).runs.map((r) => r.runId);
    const prefix = id!.slice(0, -1); // the id without its closing "Z": no other run starts so
    expect((await get(`/api/experiments/runs/${prefix}`)).body.runId).toBe(id);
    const missing = await get("/api/experiments/runs/1999-01-01T00.00.00.000Z");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("KILN_VIZ_RUN_NOT_FOUND");
  });
});

describe("/api/experiments/compare", () => {
  it("sets runs side by side and marks what differs", async () => {
    const [a, b] = (await runs()).runs;
    const { status, body } = await get(`/api/experiments/compare?runs=${a!.runId},${b!.runId}`);
    const answer = body as CompareResponse;
    expect(status).toBe(200);
    expect(answer.runs.map((r) => r.runId)).toEqual([a!.runId, b!.runId]);
    const param = (key: string) => answer.params.find((p) => p.key === key);
    expect(param(TEST_SIZE)).toEqual({ key: TEST_SIZE, values: ["0.25", "0.3"], differs: true });
    expect(param("candidate_modelling_pipeline.model_options.test_size")).toMatchObject({ differs: false });
    const r2 = answer.metrics.find((m) => m.key === R2)!;
    expect(r2.differs).toBe(true);
    expect(r2.values).toEqual([a!.metrics[R2], b!.metrics[R2]]);
    // "loss" was logged for the second run only: missing in the first counts as a difference.
    expect(answer.metrics.find((m) => m.key === "loss")).toEqual({
      key: "loss",
      values: [null, "NaN"],
      differs: true,
    });
  });
});

describe("tracking into PostgreSQL", () => {
  let server: PostgresServer;
  let pgProject: VizProject;
  let pg: ApiContext;

  beforeAll(async () => {
    server = await startPostgres({ password: PASSWORD });
    await mkdir(join(copy.root, "conf/team"), { recursive: true });
    await writeFile(
      join(copy.root, "conf/team/tracking.yml"),
      "store:\n  credentials: team_db\nexperiment:\n  name: team\n",
    );
    await writeFile(join(copy.root, "conf/team/credentials.yml"), `team_db:\n  con: "${server.url}"\n`);
    const run = copy.kiln("run", "--env", "team", "--pipeline", "data_science");
    if (run.status !== 0) throw new Error(run.stderr);
    pgProject = await VizProject.open({ projectPath: copy.root, env: "team" });
    pg = { project: async () => pgProject, pipeline: "__default__" };
  });

  afterAll(async () => {
    await pgProject?.close();
    await server?.stop();
  });

  it("reads the runs and never shows the store's password", async () => {
    const experiments = await get("/api/experiments", pg);
    expect(experiments.body.store).toMatch(/^postgresql:\/\/kiln:\*\*\*@127\.0\.0\.1:\d+\/kiln$/);
    const listed = await get("/api/experiments/runs", pg);
    expect(listed.body.runs).toHaveLength(1);
    expect(listed.body.runs[0].tags["kiln.pipeline"]).toBe("data_science");
    const detail = await get(`/api/experiments/runs/${listed.body.runs[0].runId}`, pg);
    expect(detail.status).toBe(200);
    for (const answer of [experiments, listed, detail]) expect(answer.text).not.toContain(PASSWORD);
  });
});
