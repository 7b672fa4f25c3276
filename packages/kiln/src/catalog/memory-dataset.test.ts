import { describe, expect, it } from "vitest";
import { copyWithMode, inferCopyMode } from "./copy-mode.js";
import { MemoryDataset } from "./memory-dataset.js";

class Model {
  constructor(public weights: number[]) {}
  predict(x: number) {
    return x * (this.weights[0] ?? 0);
  }
}

class Frame {
  constructor(readonly rows: number[]) {}
  clone() {
    return new Frame([...this.rows]);
  }
}

describe("inferCopyMode", () => {
  it("picks a mode per data type", () => {
    expect(inferCopyMode(3)).toBe("assign");
    expect(inferCopyMode("s")).toBe("assign");
    expect(inferCopyMode(null)).toBe("assign");
    expect(inferCopyMode(() => 1)).toBe("assign");
    expect(inferCopyMode(new Model([1]))).toBe("assign");
    expect(inferCopyMode(new Float32Array(2))).toBe("copy");
    expect(inferCopyMode(new ArrayBuffer(2))).toBe("copy");
    expect(inferCopyMode([1, 2])).toBe("deepcopy");
    expect(inferCopyMode({ a: 1 })).toBe("deepcopy");
    expect(inferCopyMode(new Map())).toBe("deepcopy");
    expect(inferCopyMode(new Frame([1]))).toBe("copy"); // has clone(), as DataFrames do
  });

  it("treats object literals with methods as objects, not data (nodejs-polars builds DataFrames so)", () => {
    const frameLike = { height: 2, columns: ["a"], clone: () => frameLike, toRecords: () => [] };
    expect(inferCopyMode(frameLike)).toBe("copy");
    const handle = { id: 1, close: () => undefined };
    expect(inferCopyMode(handle)).toBe("assign");
    const copied = copyWithMode({ nested: handle, list: [handle] }, "deepcopy") as {
      nested: unknown;
      list: unknown[];
    };
    expect(copied.nested).toBe(handle);
    expect(copied.list[0]).toBe(handle);
  });

  it("deepcopy copies values with clone() by calling it, inside records too", () => {
    const frame = new Frame([1, 2]);
    const copied = copyWithMode({ frame }, "deepcopy") as { frame: Frame };
    expect(copied.frame).not.toBe(frame);
    expect(copied.frame.rows).toEqual([1, 2]);
  });
});

describe("copyWithMode", () => {
  it("deepcopy copies nested data but shares class instances", () => {
    const model = new Model([2]);
    const value = { list: [{ n: 1 }], model, when: new Date(0), tags: new Set(["a"]) };
    const copy = copyWithMode(value, "deepcopy") as typeof value;
    expect(copy).toEqual(value);
    expect(copy.list[0]).not.toBe(value.list[0]);
    expect(copy.tags).not.toBe(value.tags);
    expect(copy.model).toBe(model);
    expect(copy.model.predict(3)).toBe(6);
  });

  it("deepcopy keeps cycles", () => {
    const a: { self?: unknown } = {};
    a.self = a;
    const copy = copyWithMode(a, "deepcopy") as { self: unknown };
    expect(copy.self).toBe(copy);
    expect(copy).not.toBe(a);
  });

  it("copy is shallow, copies binary buffers, and uses a value's own clone()", () => {
    const inner = { n: 1 };
    const arr = [inner];
    const copied = copyWithMode(arr, "copy") as typeof arr;
    expect(copied).not.toBe(arr);
    expect(copied[0]).toBe(inner);
    const floats = new Float64Array([1, 2]);
    const floatsCopy = copyWithMode(floats, "copy") as Float64Array;
    floatsCopy[0] = 9;
    expect(floats[0]).toBe(1);
    const frame = new Frame([1]);
    const frameCopy = copyWithMode(frame, "copy") as Frame;
    expect(frameCopy).toBeInstanceOf(Frame);
    expect(frameCopy).not.toBe(frame);
  });
});

describe("MemoryDataset", () => {
  it("isolates nodes from each other's mutations by default", () => {
    const ds = new MemoryDataset<{ xs: number[] }>();
    const original = { xs: [1] };
    ds.save(original);
    original.xs.push(2);
    const loaded = ds.load();
    loaded.xs.push(3);
    expect(ds.load()).toEqual({ xs: [1] });
  });

  it("shares the object with copyMode assign", () => {
    const value = { xs: [1] };
    const ds = new MemoryDataset(value, { copyMode: "assign" });
    expect(ds.load()).toBe(value);
    expect(ds.crossesThreads).toBe(false);
  });

  it("fails to load before anything is saved, and after release", () => {
    const ds = new MemoryDataset();
    expect(ds.exists()).toBe(false);
    expect(() => ds.load()).toThrow(expect.objectContaining({ code: "KILN_DATASET_NOT_SAVED" }));
    ds.save(0);
    expect(ds.exists()).toBe(true);
    expect(ds.load()).toBe(0);
    ds.release();
    expect(() => ds.load()).toThrow(/nothing was saved/);
  });

  it("describes itself without the data", () => {
    expect(new MemoryDataset(new Model([1])).describe()).toEqual({
      type: "MemoryDataset",
      dataType: "Model",
      copyMode: "assign",
    });
    expect(new MemoryDataset().describe()).toEqual({ type: "MemoryDataset", dataType: null, copyMode: null });
    expect(new MemoryDataset(1, { metadata: { kiln: { layer: "raw" } } }).describe()).toMatchObject({
      metadata: { kiln: { layer: "raw" } },
    });
  });
});
