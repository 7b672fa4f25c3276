import { describe, expect, it } from "vitest";
import { DatasetError } from "../errors/index.js";
import { DataCatalog } from "./data-catalog.js";
import type { Dataset } from "./dataset.js";
import { MemoryDataset } from "./memory-dataset.js";

const broken: Dataset = {
  load: () => {
    throw new Error("disk on fire");
  },
  save: async () => {
    throw new Error("read-only");
  },
  exists: () => true,
  describe: () => ({ type: "BrokenDataset" }),
};

describe("DataCatalog", () => {
  it("loads and saves by name", async () => {
    const catalog = new DataCatalog({ raw: new MemoryDataset([1, 2]) });
    expect(await catalog.load("raw")).toEqual([1, 2]);
    catalog.add("out", new MemoryDataset());
    await catalog.save("out", "x");
    expect(await catalog.load("out")).toBe("x");
    expect(catalog.list()).toEqual(["out", "raw"]);
    expect(catalog.list(/^r/)).toEqual(["raw"]);
    expect(catalog.list("ou")).toEqual(["out"]);
  });

  it("names an unknown dataset with a did-you-mean", async () => {
    const catalog = new DataCatalog({ companies: new MemoryDataset(1) });
    await expect(catalog.load("companys")).rejects.toMatchObject({
      code: "KILN_CATALOG_DATASET_NOT_FOUND",
      message: 'The catalog has no dataset named "companys".',
      hint: 'Did you mean "companies"?',
    });
    expect(await catalog.exists("companys")).toBe(false);
  });

  it("refuses to replace a dataset silently, and non-datasets", () => {
    const catalog = new DataCatalog({ a: new MemoryDataset(1) });
    expect(() => catalog.add("a", new MemoryDataset(2))).toThrow(
      expect.objectContaining({ code: "KILN_CATALOG_DATASET_EXISTS" }),
    );
    catalog.add("a", new MemoryDataset(2), { replace: true });
    expect(() => catalog.add("b", { load: () => 1 } as unknown as Dataset)).toThrow(
      expect.objectContaining({ code: "KILN_CATALOG_NOT_A_DATASET" }),
    );
  });

  it("wraps a dataset's own errors with the dataset's name and type", async () => {
    const catalog = new DataCatalog({ bad: broken });
    const loadError = await catalog.load("bad").catch((e: unknown) => e);
    expect(loadError).toBeInstanceOf(DatasetError);
    expect(loadError).toMatchObject({
      code: "KILN_DATASET_LOAD_FAILED",
      message: 'Could not load dataset "bad" (BrokenDataset): disk on fire',
    });
    expect((loadError as Error).cause).toBeInstanceOf(Error);
    await expect(catalog.save("bad", 1)).rejects.toMatchObject({ code: "KILN_DATASET_SAVE_FAILED" });
  });

  it("KILN_DATASET_FAILED: wraps errors of exists() and release() with the name and operation", async () => {
    const flaky: Dataset = {
      ...broken,
      exists: () => {
        throw new Error("permission denied");
      },
      release: () => Promise.reject(new Error("handle closed")),
    };
    const catalog = new DataCatalog({ flaky });
    await expect(catalog.exists("flaky")).rejects.toMatchObject({
      code: "KILN_DATASET_FAILED",
      message: 'Could not check whether dataset "flaky" (BrokenDataset) exists: permission denied',
    });
    await expect(catalog.release("flaky")).rejects.toMatchObject({
      code: "KILN_DATASET_FAILED",
      message: 'Could not release dataset "flaky" (BrokenDataset): handle closed',
    });
  });

  it("keeps a Kiln error's code when wrapping it", async () => {
    const catalog = new DataCatalog({ empty: new MemoryDataset() });
    await expect(catalog.load("empty")).rejects.toMatchObject({
      code: "KILN_DATASET_NOT_SAVED",
      message: expect.stringContaining('Could not load dataset "empty" (MemoryDataset)'),
    });
  });

  it("adds parameters as `parameters` and one `params:` entry per key path", async () => {
    const catalog = new DataCatalog().addParameters({ model: { test_size: 0.2, features: ["a"] }, seed: 1 });
    expect(catalog.list()).toEqual([
      "parameters",
      "params:model",
      "params:model.features",
      "params:model.test_size",
      "params:seed",
    ]);
    expect(await catalog.load("params:model.test_size")).toBe(0.2);
    expect(await catalog.load("parameters")).toEqual({ model: { test_size: 0.2, features: ["a"] }, seed: 1 });
  });

  it("addData wraps plain values; shallowCopy shares datasets but not names", async () => {
    const catalog = new DataCatalog().addData({ x: 1 });
    const copy = catalog.shallowCopy();
    copy.add("y", new MemoryDataset(2));
    expect(catalog.has("y")).toBe(false);
    expect(copy.get("x")).toBe(catalog.get("x"));
    expect(catalog.describe()).toEqual({
      x: { type: "MemoryDataset", dataType: "number", copyMode: "assign" },
    });
  });
});
