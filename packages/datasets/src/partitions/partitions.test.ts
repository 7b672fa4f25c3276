import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createCatalog,
  createDefaultRegistry,
  createLogger,
  type DataCatalog,
  node,
  pipeline,
  SequentialRunner,
} from "kiln";
import pl from "nodejs-polars";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { datasetTypes } from "../plugin.js";
import type { IncrementalDataset } from "./incremental-dataset.js";
import type { LoadedPartitions } from "./partitioned-dataset.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-partitions-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function catalogOf(entries: Record<string, unknown>): Promise<DataCatalog> {
  const registry = createDefaultRegistry();
  for (const [name, type] of Object.entries(datasetTypes)) registry.register(name, type);
  return createCatalog({
    catalog: entries,
    registry,
    projectPath: dir,
    logger: createLogger({ level: "silent" }),
  });
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string; hint?: string },
  );
  if (!error) throw new Error("expected a failure");
  return error;
}

const monthly = {
  type: "partitions.PartitionedDataset",
  path: "data/01_raw/reviews",
  dataset: { type: "polars.CSVDataset", load_args: { sep: ";" }, save_args: { sep: ";" } },
  filename_suffix: ".csv",
};

describe("PartitionedDataset", () => {
  it("saves a record of partitions, functions called only when their partition is written", async () => {
    const catalog = await catalogOf({ reviews: monthly });
    const order: string[] = [];
    await catalog.save("reviews", {
      "2024-01": pl.DataFrame({ score: [1, 2] }),
      "2024-02": () => {
        order.push("made 2024-02");
        return pl.DataFrame({ score: [3] });
      },
      "eu/2024-03": async () => pl.DataFrame({ score: [4, 5, 6] }),
    });
    expect(order).toEqual(["made 2024-02"]);
    expect((await readdir(join(dir, "data/01_raw/reviews"))).sort()).toEqual([
      "2024-01.csv",
      "2024-02.csv",
      "eu",
    ]);
    expect(await readFile(join(dir, "data/01_raw/reviews/2024-01.csv"), "utf8")).toBe("score\n1.0\n2.0\n");
  });

  it("loads lazily: partition id → a function loading it, sorted, suffix filter applied", async () => {
    const folder = join(dir, "data/01_raw/reviews");
    await mkdir(join(folder, "eu"), { recursive: true });
    await writeFile(join(folder, "2024-02.csv"), "score\n3\n");
    await writeFile(join(folder, "2024-01.csv"), "score\n1\n2\n");
    await writeFile(join(folder, "eu/2024-03.csv"), "score\n4\n");
    await writeFile(join(folder, "notes.txt"), "not a partition");
    const catalog = await catalogOf({ reviews: { ...monthly, dataset: "polars.CSVDataset" } });
    const partitions = (await catalog.load("reviews")) as LoadedPartitions<pl.DataFrame>;
    expect(Object.keys(partitions)).toEqual(["2024-01", "2024-02", "eu/2024-03"]);
    expect(typeof partitions["2024-01"]).toBe("function");
    expect((await partitions["2024-01"]!()).getColumn("score").toArray()).toEqual([1, 2]);
    expect(await catalog.exists("reviews")).toBe(true);
    expect(catalog.get("reviews").describe()).toMatchObject({
      type: "PartitionedDataset",
      path: folder,
      dataset: "polars.CSVDataset",
      filename_suffix: ".csv",
    });
  });

  it("keeps partitions it does not write, unless overwrite is true", async () => {
    const catalog = await catalogOf({
      keep: { ...monthly, path: "keep" },
      replace: { ...monthly, path: "replace", overwrite: true },
    });
    for (const name of ["keep", "replace"]) {
      await catalog.save(name, { a: pl.DataFrame({ x: [1] }), b: pl.DataFrame({ x: [2] }) });
      await catalog.save(name, { c: pl.DataFrame({ x: [3] }) });
    }
    expect((await readdir(join(dir, "keep"))).sort()).toEqual(["a.csv", "b.csv", "c.csv"]);
    expect(await readdir(join(dir, "replace"))).toEqual(["c.csv"]);
  });

  it("says what is wrong with a bad entry, empty folder or bad data", async () => {
    const noDataset = await failure(catalogOf({ r: { type: "partitions.PartitionedDataset", path: "x" } }));
    expect(noDataset.message).toContain("`dataset` must be a type name or a mapping with a `type`");
    const unknownType = await failure(catalogOf({ r: { ...monthly, dataset: "polars.CSVDatset" } }));
    expect(unknownType.message).toContain('unknown dataset type "polars.CSVDatset"');
    expect(unknownType.hint).toContain('Did you mean "polars.CSVDataset"');
    const versioned = await failure(
      catalogOf({ r: { ...monthly, dataset: { type: "polars.CSVDataset", versioned: true } } }),
    );
    expect(versioned.message).toContain("Partitions cannot be versioned one by one");
    const catalog = await catalogOf({ reviews: monthly });
    const empty = await failure(catalog.load("reviews"));
    expect(empty.message).toContain(
      `No partitions in ${join(dir, "data/01_raw/reviews")} (files ending with ".csv")`,
    );
    const array = await failure(catalog.save("reviews", [pl.DataFrame({ a: [1] })]));
    expect(array.message).toContain("saves a record of partition id → data");
    const outside = await failure(catalog.save("reviews", { "../up": pl.DataFrame({ a: [1] }) }));
    expect(outside.message).toContain('"../up" cannot be a partition id');
  });
});

describe("IncrementalDataset", () => {
  const entry = {
    type: "partitions.IncrementalDataset",
    path: "data/01_raw/events",
    dataset: "json.JSONDataset",
    filename_suffix: ".json",
  };

  it("loads only partitions after the confirmed checkpoint, and confirm() moves it", async () => {
    const catalog = await catalogOf({ events: entry });
    await catalog.save("events", { "2024-01-01": { n: 1 }, "2024-01-02": { n: 2 } });
    const events = catalog.get("events") as IncrementalDataset;
    expect(await events.load()).toEqual({ "2024-01-01": { n: 1 }, "2024-01-02": { n: 2 } });
    expect(await events.load()).toHaveProperty("2024-01-01"); // nothing confirmed yet: all again
    await events.confirm();
    expect(await readFile(join(dir, "data/01_raw/events/CHECKPOINT"), "utf8")).toBe("2024-01-02");
    expect(await events.load()).toEqual({});
    await catalog.save("events", { "2024-01-03": { n: 3 } });
    const again = (await catalogOf({ events: entry })).get("events") as IncrementalDataset;
    expect(await again.load()).toEqual({ "2024-01-03": { n: 3 } }); // the checkpoint is not a partition
    expect((await again.preview()).data).toEqual({ confirmed: "2024-01-02", new: ["2024-01-03"] });
  });

  it("takes a checkpoint elsewhere and the ge comparison", async () => {
    const catalog = await catalogOf({
      events: { ...entry, checkpoint: "data/checkpoints/events.txt", comparison: "ge" },
    });
    await catalog.save("events", { a: { n: 1 }, b: { n: 2 } });
    const events = catalog.get("events") as IncrementalDataset;
    await events.load();
    await events.confirm();
    expect(await readFile(join(dir, "data/checkpoints/events.txt"), "utf8")).toBe("b");
    expect(Object.keys(await events.load())).toEqual(["b"]);
    const bad = await failure(catalogOf({ e: { ...entry, comparison: "lt" } }));
    expect(bad.message).toContain('comparison must be gt or ge, got "lt"');
  });
});

describe("IncrementalDataset in a pipeline", () => {
  it("is confirmed by the node that names it in confirms: the next run reads only new partitions", async () => {
    const entry = {
      type: "partitions.IncrementalDataset",
      path: "data/01_raw/events",
      dataset: "json.JSONDataset",
      filename_suffix: ".json",
    };
    const seen: string[][] = [];
    const pipe = pipeline([
      node({
        func: (events: Record<string, { n: number }>) => {
          seen.push(Object.keys(events));
          return Object.values(events).reduce((sum, e) => sum + e.n, 0);
        },
        inputs: "events",
        outputs: "total",
        name: "sum_new_events",
        confirms: "events",
      }),
    ]);
    const runner = new SequentialRunner({ logger: createLogger({ level: "silent" }) });
    const first = await catalogOf({ events: entry });
    await first.save("events", { "2024-01-01": { n: 1 }, "2024-01-02": { n: 2 } });
    expect((await runner.run(pipe, first)).total).toBe(3);
    await first.save("events", { "2024-01-03": { n: 4 } });
    expect((await runner.run(pipe, await catalogOf({ events: entry }))).total).toBe(4);
    expect((await runner.run(pipe, await catalogOf({ events: entry }))).total).toBe(0);
    expect(seen).toEqual([["2024-01-01", "2024-01-02"], ["2024-01-03"], []]);
  });
});
