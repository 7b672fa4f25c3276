// The store contract, run against a real SQLite file and a real PostgreSQL server: the same schema,
// the same answers, and nothing lost when several processes write at once.
import { spawn } from "node:child_process";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresFactory, type StoreFactory, sqliteFactory } from "./__fixtures__/stores.js";
import { MIGRATIONS, migrate, SCHEMA_VERSION } from "./migrations.js";
import { openStore, parseStoreUri } from "./open-store.js";
import { withRetries } from "./sql-driver.js";
import type { SqlStore } from "./sql-store.js";
import { isSqliteBusy } from "./sqlite-driver.js";
import type { NewRun, RunEnd, TrackingStore } from "./types.js";

const dist = new URL("../../dist/index.js", import.meta.url).pathname;

const newRun = (runId: string, experimentId: string, extra: Partial<NewRun> = {}): NewRun => ({
  runId,
  experimentId,
  runName: "__default__",
  startTime: 1_000,
  artifactUri: "/tmp/artifacts/{run_id}",
  userId: "ada",
  params: [
    ["model.alpha", "0.5"],
    ["seed", "7"],
  ],
  tags: [["kiln.env", "local"]],
  ...extra,
});

const ended = (extra: Partial<RunEnd> = {}): RunEnd => ({
  status: "FINISHED",
  endTime: 2_000,
  errorCode: null,
  errorMessage: null,
  nodes: [],
  lineage: [],
  logs: [],
  ...extra,
});

/** Runs `count` writer processes at once; each records `runs` runs with params, metrics and an end. */
function writers(target: unknown, count: number, runs: number): Promise<unknown> {
  const script = `
    import { openStore } from ${JSON.stringify(dist)};
    const { target, writer, runs } = JSON.parse(process.env.WRITER);
    const store = await openStore(target);
    const exp = await store.getOrCreateExperiment("race");
    for (let i = 0; i < runs; i++) {
      // Every writer asks for the same ids: the store must keep them all apart.
      const id = await store.createRun({ runId: "run-" + i, experimentId: exp.experimentId, runName: "w" + writer,
        startTime: Date.now(), artifactUri: "/a/{run_id}", userId: null,
        params: [["writer", String(writer)], ["i", String(i)]], tags: [["t", "x"]] });
      await store.logMetrics(id, [0, 1, 2].map((step) => ({ key: "loss", value: 1 / (step + 1), step, timestamp: Date.now() })));
      await store.endRun(id, { status: "FINISHED", endTime: Date.now(), errorCode: null, errorMessage: null,
        nodes: [{ name: "n", status: "success", startTime: 1, endTime: 2, durationMs: 1, error: null }],
        lineage: [], logs: [{ time: 1, level: "info", message: "hi" }] });
    }
    await store.close();`;
  return Promise.all(
    Array.from(
      { length: count },
      (_, writer) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
            env: { ...process.env, WRITER: JSON.stringify({ target, writer, runs }) },
            stdio: ["ignore", "ignore", "pipe"],
          });
          let stderr = "";
          child.stderr.on("data", (c) => {
            stderr += c;
          });
          child.on("close", (code) =>
            code === 0 ? resolve() : reject(new Error(`writer ${writer}: ${stderr}`)),
          );
        }),
    ),
  );
}

describe.each([
  ["SQLite", sqliteFactory],
  ["PostgreSQL", () => postgresFactory()],
] as const)("the %s store", (_name, makeFactory) => {
  let factory: StoreFactory;
  let store: TrackingStore;
  beforeAll(async () => {
    factory = await makeFactory();
    store = await factory.open();
  });
  afterAll(async () => {
    await store?.close();
    await factory?.stop();
  });

  it("creates an experiment once, however many ask", async () => {
    const all = await Promise.all([1, 2, 3].map(() => store.getOrCreateExperiment("once")));
    expect(new Set(all.map((e) => e.experimentId)).size).toBe(1);
    expect(await store.getExperiment("once")).toEqual(all[0]);
    expect(await store.getExperiment("never")).toBeUndefined();
  });

  it("records a run with its params and tags, and gives a taken id a suffix", async () => {
    const exp = await store.getOrCreateExperiment("ids");
    expect(await store.createRun(newRun("r1", exp.experimentId))).toBe("r1");
    expect(await store.createRun(newRun("r1", exp.experimentId, { runName: "second" }))).toBe("r1-2");
    expect(await store.createRun(newRun("r1", exp.experimentId))).toBe("r1-3");
    const second = await store.getRun("r1-2");
    expect(second).toMatchObject({
      runId: "r1-2",
      runName: "second",
      experimentName: "ids",
      status: "RUNNING",
      endTime: null,
      artifactUri: "/tmp/artifacts/r1-2",
      params: { "model.alpha": "0.5", seed: "7" },
      tags: { "kiln.env": "local" },
      userId: "ada",
    });
    await store.setTags("r1-2", [
      ["kiln.env", "prod"],
      ["extra", "yes"],
    ]);
    expect((await store.getRun("r1-2"))!.tags).toEqual({ "kiln.env": "prod", extra: "yes" });
    expect(await store.findRunIds("r1")).toEqual(["r1", "r1-2", "r1-3"]);
    expect(await store.findRunIds("r1-")).toEqual(["r1-2", "r1-3"]);
    expect(await store.findRunIds("%")).toEqual([]); // no LIKE wildcards
  });

  it("keeps every metric point and the latest value by step, then time (NaN and ±Infinity too)", async () => {
    const exp = await store.getOrCreateExperiment("metrics");
    const id = await store.createRun(newRun("m1", exp.experimentId));
    await store.logMetrics(id, [
      { key: "loss", value: 0.9, step: 0, timestamp: 10 },
      { key: "loss", value: 0.5, step: 2, timestamp: 11 },
      { key: "loss", value: 0.7, step: 1, timestamp: 12 }, // later, but a lower step
      { key: "odd", value: Number.NaN, step: 0, timestamp: 10 },
      { key: "big", value: Number.POSITIVE_INFINITY, step: 0, timestamp: 10 },
    ]);
    await store.logMetrics(id, [{ key: "loss", value: 0.4, step: 2, timestamp: 20 }]); // replaces step 2
    const run = (await store.getRun(id))!;
    expect(run.metrics.loss).toBe(0.4);
    expect(run.metrics.odd).toBeNaN();
    expect(run.metrics.big).toBe(Number.POSITIVE_INFINITY);
    expect(run.metricHistory.loss!.map((p) => [p.step, p.value])).toEqual([
      [0, 0.9],
      [1, 0.7],
      [2, 0.4],
    ]);
    expect((await store.metricHistory(id, ["odd"])).map((p) => p.key)).toEqual(["odd"]);
    expect(await store.metricHistory(id, [])).toEqual([]);
  });

  it("ends a run with its nodes, lineage, log lines and artifacts", async () => {
    const exp = await store.getOrCreateExperiment("ends");
    const id = await store.createRun(newRun("e1", exp.experimentId));
    await store.logArtifacts(id, [{ path: "reports/a.txt", size: 3, dataset: "a", loggedAt: 5 }]);
    await store.logArtifacts(id, [{ path: "reports/a.txt", size: 4, dataset: "a", loggedAt: 6 }]); // saved again
    const logs = Array.from({ length: 450 }, (_, i) => ({ time: i, level: "info", message: `line ${i}` }));
    await store.endRun(
      id,
      ended({
        status: "FAILED",
        errorCode: "KILN_NODE_FAILED",
        errorMessage: 'Node "b" failed',
        nodes: [
          { name: "a", status: "success", startTime: 1, endTime: 3, durationMs: 2.5, error: null },
          { name: "b", status: "failed", startTime: 4, endTime: 5, durationMs: 1, error: "boom" },
        ],
        lineage: [
          {
            node: "a",
            dataset: "x",
            direction: "input",
            datasetType: "JSONDataset",
            location: "data/x.json",
            version: "v1",
          },
          {
            node: "a",
            dataset: "y",
            direction: "output",
            datasetType: "MemoryDataset",
            location: null,
            version: null,
          },
        ],
        logs,
      }),
    );
    const run = (await store.getRun(id))!;
    expect(run).toMatchObject({
      status: "FAILED",
      endTime: 2_000,
      errorCode: "KILN_NODE_FAILED",
      errorMessage: 'Node "b" failed',
    });
    expect(run.nodes).toEqual([
      { name: "a", status: "success", startTime: 1, endTime: 3, durationMs: 2.5, error: null },
      { name: "b", status: "failed", startTime: 4, endTime: 5, durationMs: 1, error: "boom" },
    ]);
    expect(run.lineage).toHaveLength(2);
    expect(run.lineage[0]).toEqual({
      node: "a",
      dataset: "x",
      direction: "input",
      datasetType: "JSONDataset",
      location: "data/x.json",
      version: "v1",
    });
    expect(run.logs).toHaveLength(450); // more rows than one INSERT takes
    expect(run.logs[449]).toEqual({ time: 449, level: "info", message: "line 449" });
    expect(run.artifacts).toEqual([{ path: "reports/a.txt", size: 4, dataset: "a", loggedAt: 6 }]);
  });

  it("adds nodes of a running run from other processes; a node added again (a retry) takes the later record", async () => {
    const exp = await store.getOrCreateExperiment("parts");
    const id = await store.createRun(newRun("p1", exp.experimentId));
    const lineage = (version: string) => ({
      node: "a",
      dataset: "x",
      direction: "output" as const,
      datasetType: "JSONDataset",
      location: "data/x.json",
      version,
    });
    await store.addRunNodes(id, {
      nodes: [{ name: "a", status: "failed", startTime: 1, endTime: 2, durationMs: 1, error: "boom" }],
      lineage: [lineage("v1")],
    });
    await store.addRunNodes(id, {
      nodes: [
        { name: "a", status: "success", startTime: 5, endTime: 7, durationMs: 2, error: null },
        { name: "b", status: "success", startTime: 8, endTime: 9, durationMs: 1, error: null },
      ],
      lineage: [lineage("v2")],
    });
    expect((await store.getRun(id))!.status).toBe("RUNNING");
    await store.endRun(id, ended({ status: "FINISHED", nodes: [], lineage: [], logs: [] }));
    const run = (await store.getRun(id))!;
    expect(run.nodes).toEqual([
      { name: "a", status: "success", startTime: 5, endTime: 7, durationMs: 2, error: null },
      { name: "b", status: "success", startTime: 8, endTime: 9, durationMs: 1, error: null },
    ]);
    expect(run.lineage).toEqual([lineage("v2")]);
  });

  it("summarises an experiment's runs with params, tags and latest metrics", async () => {
    const exp = await store.getOrCreateExperiment("summaries");
    const other = await store.getOrCreateExperiment("elsewhere");
    for (const [i, r2] of [0.1, 0.5].entries()) {
      const id = await store.createRun(newRun(`s${i}`, exp.experimentId, { startTime: i }));
      await store.logMetrics(id, [{ key: "r2", value: r2, step: 0, timestamp: 1 }]);
    }
    await store.createRun(newRun("o1", other.experimentId));
    const runs = await store.runSummaries([exp.experimentId]);
    expect(runs.map((r) => r.runId).sort()).toEqual(["s0", "s1"]);
    expect(runs.find((r) => r.runId === "s1")).toMatchObject({
      experimentName: "summaries",
      metrics: { r2: 0.5 },
      params: { seed: "7" },
      tags: { "kiln.env": "local" },
    });
    expect(await store.runSummaries([])).toEqual([]);
    expect((await store.listExperiments()).map((e) => e.name)).toEqual(
      expect.arrayContaining(["elsewhere", "summaries"]),
    );
  });

  it("migrates a new store once however many open it at once, and refuses a newer schema", async () => {
    const target = await factory.target();
    const opened = await Promise.all([1, 2, 3, 4].map(() => openStore(target)));
    const driver = (opened[0] as SqlStore).driver;
    const rows = await driver.all<{ version: number }>("SELECT version FROM kiln_schema_migrations");
    expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await migrate(driver)).toBe(SCHEMA_VERSION); // already current: nothing to do
    await driver.run("INSERT INTO kiln_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
      SCHEMA_VERSION + 1,
      "from the future",
      1,
    ]);
    for (const s of opened) await s.close();
    await expect(openStore(target)).rejects.toMatchObject({
      code: "KILN_TRACKING_SCHEMA_TOO_NEW",
      message: `The tracking store ${target.display} has schema version ${SCHEMA_VERSION + 1}; this @kiln/tracking knows up to ${SCHEMA_VERSION}.`,
      hint: expect.stringContaining("npm install @kiln/tracking@latest"),
    });
  });

  it("applies a later migration to a store made by an earlier one", async () => {
    const target = await factory.target();
    const first = await openStore(target);
    const driver = (first as SqlStore).driver;
    const next = [
      ...MIGRATIONS,
      {
        version: SCHEMA_VERSION + 1,
        name: "notes",
        statements: ["CREATE TABLE kiln_notes (run_id TEXT NOT NULL, note TEXT NOT NULL)"],
      },
    ];
    expect(await migrate(driver, next)).toBe(SCHEMA_VERSION + 1);
    await driver.run("INSERT INTO kiln_notes (run_id, note) VALUES (?, ?)", ["r", "kept"]);
    expect(await driver.all("SELECT note FROM kiln_notes")).toEqual([{ note: "kept" }]);
    await first.close();
  });

  it("loses nothing when six processes write one store at once (every one asking for the same run ids)", async () => {
    const target = await factory.target();
    await writers(target, 6, 15);
    const check = await openStore(target);
    try {
      const exp = (await check.getExperiment("race"))!;
      const runs = await check.runSummaries([exp.experimentId]);
      expect(runs).toHaveLength(90);
      expect(new Set(runs.map((r) => `${r.runName}/${r.params.i}`)).size).toBe(90);
      expect(runs.every((r) => r.status === "FINISHED" && r.metrics.loss === 1 / 3)).toBe(true);
      // Six processes migrated the new store at once: each step was applied once.
      const steps = await (check as SqlStore).driver.all<{ version: number }>(
        "SELECT version FROM kiln_schema_migrations",
      );
      expect(steps.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
      const one = (await check.getRun(runs[0]!.runId))!;
      expect(one.metricHistory.loss).toHaveLength(3);
      expect(one.nodes).toHaveLength(1);
      expect(one.logs).toHaveLength(1);
    } finally {
      await check.close();
    }
  });
});

describe("the SQLite store's file", () => {
  it("is in WAL mode, so readers never wait for a writer", async () => {
    const factory = await sqliteFactory();
    try {
      const target = await factory.target();
      const store = await openStore(target);
      await store.close();
      const db = new Database(target.kind === "sqlite" ? target.path : "");
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      db.close();
    } finally {
      await factory.stop();
    }
  });
});

describe("store errors", () => {
  it("KILN_TRACKING_STORE_BUSY: a writer gives up after the deadline while another process holds the lock", async () => {
    const factory = await sqliteFactory();
    try {
      const target = await factory.target();
      await (await openStore(target)).close();
      const path = target.kind === "sqlite" ? target.path : "";
      const holder = new Database(path);
      holder.exec("BEGIN IMMEDIATE");
      const waiter = new Database(path, { timeout: 0 });
      const started = Date.now();
      const error = await withRetries(
        target.display,
        isSqliteBusy,
        async () => waiter.exec("BEGIN IMMEDIATE"),
        300,
      ).catch((e: unknown) => e);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300); // it kept trying until the deadline
      expect(error).toMatchObject({
        code: "KILN_TRACKING_STORE_BUSY",
        message: expect.stringContaining(
          `The tracking store ${target.display} stayed busy for 300 ms (database is locked)`,
        ),
      });
      holder.exec("ROLLBACK");
      await withRetries(
        target.display,
        isSqliteBusy,
        async () => waiter.exec("BEGIN IMMEDIATE; ROLLBACK"),
        300,
      );
      holder.close();
      waiter.close();
    } finally {
      await factory.stop();
    }
  });

  it("KILN_TRACKING_STORE_FAILED: a statement the database refuses, naming the store", async () => {
    const factory = await sqliteFactory();
    try {
      const store = (await factory.open()) as SqlStore;
      await store.driver.run("DROP TABLE kiln_params");
      const exp = await store.getOrCreateExperiment("x");
      await expect(store.createRun(newRun("r", exp.experimentId))).rejects.toMatchObject({
        code: "KILN_TRACKING_STORE_FAILED",
        message: `The tracking store ${store.display} failed: no such table: kiln_params`,
      });
      expect(await store.getRun("r")).toBeUndefined(); // the whole transaction was rolled back
      await store.close();
    } finally {
      await factory.stop();
    }
  });

  describe("on PostgreSQL", () => {
    const CANARY = "pg-CANARY-password";
    let factory: Awaited<ReturnType<typeof postgresFactory>>;
    beforeAll(async () => {
      factory = await postgresFactory(CANARY);
    });
    afterAll(async () => {
      await factory?.stop();
    });

    it("KILN_TRACKING_STORE_CONNECT: a wrong password, never shown", async () => {
      const uri = factory.server.url.replace(encodeURIComponent(CANARY), "wrong-CANARY-guess");
      const error = await openStore(parseStoreUri(uri, "/", "test")).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: "KILN_TRACKING_STORE_CONNECT",
        message: expect.stringContaining(
          `The tracking store postgresql://kiln:***@127.0.0.1:${factory.server.port}/kiln refused the connection`,
        ),
      });
      expect(`${(error as Error).message}${JSON.stringify(error)}`).not.toMatch(/CANARY/);
    });

    it("KILN_TRACKING_STORE_UNREACHABLE: no server at the port", async () => {
      const uri = `postgresql://kiln:${CANARY}@127.0.0.1:1/kiln`;
      await expect(openStore(parseStoreUri(uri, "/", "test"))).rejects.toMatchObject({
        code: "KILN_TRACKING_STORE_UNREACHABLE",
        message: expect.stringMatching(
          /^No PostgreSQL server answers for the tracking store postgresql:\/\/kiln:\*\*\*@127\.0\.0\.1:1\/kiln: /,
        ),
      });
    });
  });
});
