// The model registry in the tracking store, on a real SQLite file and a real PostgreSQL server.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresFactory, type StoreFactory, sqliteFactory } from "./__fixtures__/stores.js";
import { MIGRATIONS, migrate } from "./migrations.js";
import { openStore } from "./open-store.js";
import type { SqlStore } from "./sql-store.js";
import type { TrackingStore } from "./types.js";

const dist = new URL("../../dist/index.js", import.meta.url).pathname;

async function trainedRun(store: TrackingStore, runId: string, r2?: number): Promise<string> {
  const exp = await store.getOrCreateExperiment("registry");
  const id = await store.createRun({
    runId,
    experimentId: exp.experimentId,
    runName: "train",
    startTime: 1,
    artifactUri: "/artifacts/{run_id}",
    userId: "ada",
    params: [],
    tags: [],
  });
  if (r2 !== undefined) await store.logMetrics(id, [{ key: "r2", value: r2, step: 0, timestamp: 1 }]);
  return id;
}

const register = (store: TrackingStore, name: string, runId: string | null) =>
  store.registerModelVersion({
    name,
    source: `/artifacts/${runId}/model`,
    runId,
    userId: "ada",
    modelUuid: "abc",
  });

/** Registers `count` versions of one model from each of `processes` processes at once. */
function registrars(target: unknown, processes: number, count: number): Promise<unknown> {
  const script = `
    import { openStore } from ${JSON.stringify(dist)};
    const { target, count } = JSON.parse(process.env.REGISTRAR);
    const store = await openStore(target);
    for (let i = 0; i < count; i++)
      await store.registerModelVersion({ name: "raced", source: "/m", runId: null, userId: null, modelUuid: null });
    await store.close();`;
  return Promise.all(
    Array.from(
      { length: processes },
      () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
            env: { ...process.env, REGISTRAR: JSON.stringify({ target, count }) },
            stdio: ["ignore", "ignore", "pipe"],
          });
          let stderr = "";
          child.stderr.on("data", (c) => {
            stderr += c;
          });
          child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(stderr))));
        }),
    ),
  );
}

describe.each([
  ["SQLite", sqliteFactory],
  ["PostgreSQL", () => postgresFactory()],
] as const)("the model registry on %s", (_name, makeFactory) => {
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

  it("numbers versions per model from 1, creating the model on first use", async () => {
    const run = await trainedRun(store, "t1");
    const v1 = await register(store, "price", run);
    expect(v1).toMatchObject({
      name: "price",
      version: 1,
      runId: "t1",
      source: "/artifacts/t1/model",
      status: "READY",
      userId: "ada",
      modelUuid: "abc",
      tags: {},
      aliases: [],
    });
    expect((await register(store, "price", run)).version).toBe(2);
    expect((await register(store, "other", null)).version).toBe(1);
    const model = (await store.getRegisteredModel("price"))!;
    expect(model).toMatchObject({ name: "price", latestVersion: 2, aliases: {}, tags: {} });
    expect((await store.listModelVersions("price")).map((v) => v.version)).toEqual([2, 1]);
    expect((await store.listRegisteredModels()).map((m) => m.name)).toEqual(
      expect.arrayContaining(["other", "price"]),
    );
    expect(await store.getRegisteredModel("nope")).toBeUndefined();
    expect(await store.getModelVersion("price", 9)).toBeUndefined();
  });

  it("points aliases at versions, moves and removes them", async () => {
    await register(store, "aliased", null);
    await register(store, "aliased", null);
    await store.setAlias("aliased", "champion", 1);
    expect((await store.getModelVersionByAlias("aliased", "champion"))!.version).toBe(1);
    await store.setAlias("aliased", "champion", 2);
    await store.setAlias("aliased", "challenger", 2);
    expect((await store.getRegisteredModel("aliased"))!.aliases).toEqual({ champion: 2, challenger: 2 });
    expect((await store.getModelVersion("aliased", 2))!.aliases).toEqual(["challenger", "champion"]);
    expect(await store.deleteAlias("aliased", "challenger")).toBe(true);
    expect(await store.deleteAlias("aliased", "challenger")).toBe(false);
    expect(await store.getModelVersionByAlias("aliased", "challenger")).toBeUndefined();
    // An alias on a version that does not exist is refused by the database.
    await expect(store.setAlias("aliased", "ghost", 7)).rejects.toMatchObject({
      code: "KILN_TRACKING_STORE_FAILED",
    });
  });

  it("keeps tags on models and versions", async () => {
    await register(store, "tagged", null);
    await store.setRegisteredModelTags("tagged", [
      ["team", "pricing"],
      ["team", "ml"],
    ]);
    await store.setModelVersionTags("tagged", 1, [["validated", "yes"]]);
    expect((await store.getRegisteredModel("tagged"))!.tags).toEqual({ team: "ml" });
    expect((await store.getModelVersion("tagged", 1))!.tags).toEqual({ validated: "yes" });
    const v2 = await store.registerModelVersion({
      name: "tagged",
      source: "/m",
      runId: null,
      userId: null,
      modelUuid: null,
      tags: [["kiln.pipeline", "__default__"]],
    });
    expect(v2.tags).toEqual({ "kiln.pipeline": "__default__" });
  });

  it("promotes an alias by a metric of the training run, or only while it points nowhere", async () => {
    const rule = { metric: "r2", greaterIsBetter: true };
    const a = await register(store, "promoted", await trainedRun(store, "p1", 0.5));
    expect(await store.promoteAlias("promoted", "champion", a.version, rule)).toMatchObject({
      moved: true,
      previous: null,
    });
    const worse = await register(store, "promoted", await trainedRun(store, "p2", 0.4));
    expect(await store.promoteAlias("promoted", "champion", worse.version, rule)).toEqual({
      moved: false,
      previous: 1,
      reason: "r2 0.4 does not beat version 1's 0.5",
    });
    const better = await register(store, "promoted", await trainedRun(store, "p3", 0.7));
    expect(await store.promoteAlias("promoted", "champion", better.version, rule)).toMatchObject({
      moved: true,
      previous: 1,
    });
    expect((await store.getModelVersionByAlias("promoted", "champion"))!.version).toBe(3);
    const mae = await register(store, "promoted", await trainedRun(store, "p4", 0.1));
    expect(
      (
        await store.promoteAlias("promoted", "champion", mae.version, {
          metric: "r2",
          greaterIsBetter: false,
        })
      ).moved,
    ).toBe(true);
    const unconditional = await register(store, "promoted", await trainedRun(store, "p5", 0.9));
    expect(
      await store.promoteAlias("promoted", "champion", unconditional.version, {
        metric: null,
        greaterIsBetter: true,
      }),
    ).toMatchObject({ moved: false, previous: 4 });
  });

  it("records the models a run logged", async () => {
    const run = await trainedRun(store, "logged");
    const model = {
      runId: run,
      artifactPath: "model",
      modelUuid: "u1",
      source: "/artifacts/logged/model",
      inputName: "features",
      outputName: "predictions",
      loggedAt: 5,
    };
    await store.logModel(model);
    await store.logModel({ ...model, modelUuid: "u2" });
    expect(await store.loggedModels(run)).toEqual([{ ...model, modelUuid: "u2" }]);
    expect(await store.loggedModels("nobody")).toEqual([]);
  });

  it("gives each of many processes registering at once its own version number", async () => {
    const target = await factory.target();
    await registrars(target, 4, 5);
    const check = await openStore(target);
    try {
      const numbers = (await check.listModelVersions("raced")).map((v) => v.version);
      expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i));
    } finally {
      await check.close();
    }
  });

  it("adds the registry to a store made before it, keeping its runs", async () => {
    const target = await factory.target();
    const old = (await openStore(target)) as SqlStore;
    // Back to a version-1 store: drop what migration 2 made.
    for (const table of [
      "kiln_logged_models",
      "kiln_model_version_tags",
      "kiln_registered_model_tags",
      "kiln_model_aliases",
      "kiln_model_versions",
      "kiln_registered_models",
    ])
      await old.driver.run(`DROP TABLE ${table}`);
    await old.driver.run("DELETE FROM kiln_schema_migrations WHERE version > 1");
    const run = await trainedRun(old, "kept");
    expect(await migrate(old.driver, MIGRATIONS)).toBe(MIGRATIONS.at(-1)!.version);
    expect((await register(old, "late", run)).version).toBe(1);
    expect((await old.getRun("kept"))!.runId).toBe("kept");
    await old.close();
  });
});
