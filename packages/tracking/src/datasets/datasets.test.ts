// The tracking datasets against a real run: a SQLite store and an artifact folder in a temp dir,
// datasets built by the real catalog from catalog config.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createCatalog,
  createDefaultRegistry,
  createLogger,
  type DataCatalog,
  type DatasetTypeRegistry,
} from "kiln";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ArtifactStore } from "../artifacts/artifact-store.js";
import { DEFAULT_TRACKING_CONFIG } from "../config/tracking-config.js";
import { datasetTypes } from "../plugin.js";
import { RunTracker } from "../run/run-tracker.js";
import { type StoreFactory, sqliteFactory } from "../store/__fixtures__/stores.js";
import { BIND_RUN, isRunBound } from "./run-binding.js";

const logger = createLogger({ level: "silent" });
let dir: string;
let factory: StoreFactory;
let registry: DatasetTypeRegistry;
let runs = 0;

/** A dataset that writes a folder of two files, as partitioned datasets do. */
class FolderDataset {
  constructor(readonly config: { path: string }) {}
  async save(data: Record<string, string>) {
    await mkdir(this.config.path, { recursive: true });
    for (const [name, text] of Object.entries(data)) await writeFile(join(this.config.path, name), text);
  }
  load() {
    return readFile(join(this.config.path, "a.txt"), "utf8");
  }
  exists() {
    return existsSync(this.config.path);
  }
  describe() {
    return { type: "FolderDataset", path: this.config.path };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-tracking-datasets-"));
  factory = await sqliteFactory();
  registry = createDefaultRegistry().register("test.FolderDataset", FolderDataset);
  for (const [name, type] of Object.entries(datasetTypes)) registry.register(name, type);
});
afterAll(async () => {
  await factory.stop();
  await rm(dir, { recursive: true, force: true });
});

async function startRun(): Promise<RunTracker> {
  return RunTracker.start({
    store: await factory.open(),
    artifacts: new ArtifactStore(join(dir, "artifacts")),
    config: DEFAULT_TRACKING_CONFIG,
    experimentName: "datasets",
    runName: "test",
    sessionRunId: `run-${++runs}`,
    parameters: {},
    tags: [],
    userId: null,
    secrets: [],
    logger,
  });
}

async function catalogOf(
  entries: Record<string, unknown>,
  tracker?: RunTracker,
  reason?: string,
): Promise<DataCatalog> {
  const catalog = await createCatalog({ catalog: entries, registry, projectPath: dir, logger });
  if (tracker || reason)
    for (const name of catalog.list()) {
      const ds = catalog.get(name);
      if (isRunBound(ds)) ds[BIND_RUN]({ datasetName: name, tracker, ...(reason ? { reason } : {}) });
    }
  return catalog;
}

describe("tracking.MetricDataset", () => {
  let tracker: RunTracker;
  beforeEach(async () => {
    tracker = await startRun();
  });

  it("logs one number under the dataset's name (or key), and loads it back", async () => {
    const catalog = await catalogOf(
      { r2: { type: "tracking.MetricDataset" }, named: { type: "tracking.MetricDataset", key: "model.mae" } },
      tracker,
    );
    expect(await catalog.exists("r2")).toBe(false);
    await catalog.save("r2", 0.91);
    await catalog.save("named", 12.5);
    expect(await catalog.load("r2")).toBe(0.91);
    expect(await catalog.exists("r2")).toBe(true);
    expect((await tracker.metricHistory()).map((p) => [p.key, p.value, p.step])).toEqual([
      ["model.mae", 12.5, 0],
      ["r2", 0.91, 0],
    ]);
    await catalog.save("r2", 0.93); // overwrite: step 0 again
    expect((await tracker.metricHistory(["r2"])).map((p) => p.value)).toEqual([0.93]);
    await tracker.finish("FINISHED");
  });

  it("appends steps with save_args.mode: append, and loads a step with load_args.step", async () => {
    const catalog = await catalogOf(
      {
        loss: { type: "tracking.MetricDataset", save_args: { mode: "append" } },
        first: { type: "tracking.MetricDataset", key: "loss", load_args: { step: 0 } },
      },
      tracker,
    );
    for (const v of [0.9, 0.5, 0.3]) await catalog.save("loss", v);
    expect((await tracker.metricHistory(["loss"])).map((p) => [p.step, p.value])).toEqual([
      [0, 0.9],
      [1, 0.5],
      [2, 0.3],
    ]);
    expect(await catalog.load("loss")).toBe(0.3);
    expect(await catalog.load("first")).toBe(0.9);
    await tracker.finish("FINISHED");
  });

  it("refuses what is not a number, and a metric not logged yet", async () => {
    const catalog = await catalogOf({ r2: { type: "tracking.MetricDataset" } }, tracker);
    await expect(catalog.save("r2", "0.9")).rejects.toMatchObject({
      code: "KILN_TRACKING_BAD_METRIC",
      message:
        'Could not save dataset "r2" (MetricDataset): Metric "r2" must be a number, got string ("0.9").',
    });
    await expect(catalog.load("r2")).rejects.toMatchObject({
      code: "KILN_TRACKING_METRIC_NOT_FOUND",
      message: expect.stringContaining(`Metric "r2" was not logged in run ${tracker.runId}`),
    });
    await tracker.finish("FINISHED");
  });

  it("refuses bad save_args, naming the entry", async () => {
    await expect(
      catalogOf({ r2: { type: "tracking.MetricDataset", save_args: { mode: "sometimes" } } }),
    ).rejects.toMatchObject({
      code: "KILN_CATALOG_BAD_ENTRY",
      message: 'Dataset "r2": save_args.mode must be overwrite or append, got "sometimes".',
    });
  });

  it("fails outside a run, and keeps values in memory for the run when it is not tracked", async () => {
    const loose = await catalogOf({ r2: { type: "tracking.MetricDataset" } });
    await expect(loose.save("r2", 1)).rejects.toMatchObject({
      code: "KILN_TRACKING_NO_RUN",
      hint: expect.stringContaining("kiln run"),
    });
    expect(await loose.exists("r2")).toBe(false);
    const off = await catalogOf(
      { r2: { type: "tracking.MetricDataset" }, m: { type: "tracking.MetricsDataset" } },
      undefined,
      "tracking is off",
    );
    await expect(off.load("r2")).rejects.toMatchObject({
      code: "KILN_TRACKING_METRIC_NOT_FOUND",
      message: expect.stringContaining("in this run (not tracked: kept in memory)"),
    });
    await off.save("r2", 1);
    await off.save("m", { a: [1, 2] });
    expect(await off.load("r2")).toBe(1);
    expect(await off.load("m")).toEqual({ a: 2 });
    expect(await tracker.metricHistory()).toEqual([]); // nothing reached the store
    await tracker.finish("FINISHED");
  });
});

describe("tracking.MetricsDataset", () => {
  it("logs a record of values, points and histories under the dataset's name, and loads latest or history", async () => {
    const tracker = await startRun();
    const catalog = await catalogOf(
      {
        "active.metrics": { type: "tracking.MetricsDataset" },
        bare: { type: "tracking.MetricsDataset", prefix: "", load_args: { history: true } },
      },
      tracker,
    );
    await catalog.save("active.metrics", {
      r2_score: 0.61,
      mae: { value: 12.5, step: 3 },
      loss: [0.9, { value: 0.5, step: 5, timestamp: 42 }],
    });
    const keys = (await tracker.metricHistory()).map((p) => `${p.key}@${p.step}`);
    expect(keys).toEqual([
      "active.metrics.loss@0",
      "active.metrics.loss@5",
      "active.metrics.mae@3",
      "active.metrics.r2_score@0",
    ]);
    expect(await catalog.load("active.metrics")).toEqual({ r2_score: 0.61, mae: 12.5, loss: 0.5 });
    await catalog.save("bare", { acc: [0.1, 0.2] });
    const history = (await catalog.load("bare")) as Record<string, Array<{ step: number; value: number }>>;
    expect(history.acc!.map((p) => [p.step, p.value])).toEqual([
      [0, 0.1],
      [1, 0.2],
    ]);
    // Without a prefix, the bare dataset sees every metric of the run.
    expect(Object.keys(history).sort()).toEqual([
      "acc",
      "active.metrics.loss",
      "active.metrics.mae",
      "active.metrics.r2_score",
    ]);
    await tracker.finish("FINISHED");
  });

  it.each([
    [[1, 2], "saves a record of metric name → value, got a list"],
    [{ r2: "high" }, 'Metric "metrics.r2" must be a number, got string ("high")'],
    [{ r2: { val: 1 } }, 'Metric "metrics.r2" is a point with unknown keys "val"'],
    [{ r2: { value: 1, step: -1 } }, 'Metric "metrics.r2" has step -1, not a whole number ≥ 0'],
    [{ r2: [1, null] }, 'Metric "metrics.r2" must be a number, got null'],
  ])("refuses %j", async (data, says) => {
    const tracker = await startRun();
    const catalog = await catalogOf({ metrics: { type: "tracking.MetricsDataset" } }, tracker);
    await expect(catalog.save("metrics", data)).rejects.toMatchObject({
      code: "KILN_TRACKING_BAD_METRIC",
      message: expect.stringContaining(says),
    });
    expect(await tracker.metricHistory()).toEqual([]); // nothing half-logged
    await tracker.finish("FINISHED");
  });
});

describe("tracking.ArtifactDataset", () => {
  it("saves through the wrapped dataset and logs the file it wrote; loads are the wrapped dataset's", async () => {
    const tracker = await startRun();
    const catalog = await catalogOf(
      {
        report: {
          type: "tracking.ArtifactDataset",
          artifact_path: "reports/json",
          dataset: { type: "json.JSONDataset", filepath: "data/report.json" },
        },
      },
      tracker,
    );
    await catalog.save("report", { rows: 3 });
    expect(JSON.parse(await readFile(join(dir, "data/report.json"), "utf8"))).toEqual({ rows: 3 });
    expect(await catalog.load("report")).toEqual({ rows: 3 });
    const logged = join(tracker.artifactUri, "reports/json/report.json");
    expect(JSON.parse(await readFile(logged, "utf8"))).toEqual({ rows: 3 });
    // Run records and lineage see the file the wrapped dataset writes.
    expect(catalog.get("report").describe()).toMatchObject({
      type: "ArtifactDataset",
      filepath: join(dir, "data/report.json"),
      artifact_path: "reports/json",
      dataset: { type: "JSONDataset" },
    });
    await tracker.finish("FINISHED");
  });

  it("logs the version a versioned save wrote, and every file of a folder", async () => {
    const tracker = await startRun();
    const catalog = await createCatalog({
      catalog: {
        model: {
          type: "tracking.ArtifactDataset",
          versioned: true,
          dataset: { type: "json.JSONDataset", filepath: "data/model.json" },
        },
        plots: {
          type: "tracking.ArtifactDataset",
          dataset: { type: "test.FolderDataset", path: "data/plots" },
        },
      },
      registry,
      projectPath: dir,
      logger,
      saveVersion: "2026-01-02T03.04.05.678Z",
    });
    for (const name of catalog.list()) {
      const ds = catalog.get(name);
      if (isRunBound(ds)) ds[BIND_RUN]({ datasetName: name, tracker });
    }
    await catalog.save("model", { w: [1, 2] });
    await catalog.save("plots", { "a.txt": "A", "b.txt": "B" });
    expect(existsSync(join(dir, "data/model.json/2026-01-02T03.04.05.678Z/model.json"))).toBe(true);
    expect(await readFile(join(tracker.artifactUri, "model.json"), "utf8")).toBe(
      await readFile(join(dir, "data/model.json/2026-01-02T03.04.05.678Z/model.json"), "utf8"),
    );
    expect(await readFile(join(tracker.artifactUri, "plots/b.txt"), "utf8")).toBe("B");
    expect((catalog.get("model") as unknown as { lastSavedVersion: string }).lastSavedVersion).toBe(
      "2026-01-02T03.04.05.678Z",
    );
    await tracker.finish("FINISHED");
  });

  it("outside a run is just the wrapped dataset", async () => {
    const catalog = await catalogOf({
      notes: {
        type: "tracking.ArtifactDataset",
        dataset: { type: "text.TextDataset", filepath: "data/notes.txt" },
      },
    });
    await catalog.save("notes", "hello");
    expect(await catalog.load("notes")).toBe("hello");
  });

  it.each([
    [{}, "tracking.ArtifactDataset needs `dataset`"],
    [
      { dataset: { type: "json.JSONDataset", filepath: "x.json", versioned: true } },
      "`versioned` goes on the ArtifactDataset's own entry",
    ],
    [
      { dataset: { type: "json.JSONDataset", filepath: "x.json", credentials: "s3" } },
      "`credentials: <name>` goes on the ArtifactDataset's own entry",
    ],
    [{ dataset: "json.JSONDatset" }, 'unknown dataset type "json.JSONDatset"'],
  ])("refuses the entry %j", async (entry, says) => {
    const error = await catalogOf({ a: { type: "tracking.ArtifactDataset", ...entry } }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ message: expect.stringContaining(says) });
    expect(error).toMatchObject({ message: expect.stringMatching(/^Dataset "a": /) });
  });
});
