import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { inferColumns, inferParams, signatureTypeOfPolars, typeOfValues } from "./signature.js";

describe("input and output columns", () => {
  it("maps Polars types to MLflow's", () => {
    const frame = pl.DataFrame({
      i8: pl.Series("i8", [1], pl.Int8),
      i32: pl.Series("i32", [1], pl.Int32),
      i64: pl.Series("i64", [1], pl.Int64),
      u32: pl.Series("u32", [1], pl.UInt32),
      f32: pl.Series("f32", [1.5], pl.Float32),
      f64: pl.Series("f64", [1.5], pl.Float64),
      b: [true],
      s: ["x"],
      cat: pl.Series("cat", ["x"], pl.Categorical),
      d: pl.Series("d", [new Date(0)], pl.Date),
      t: pl.Series("t", [new Date(0)], pl.Datetime("ms")),
    });
    expect(inferColumns(frame)).toEqual({
      columns: [
        ["i8", "integer"],
        ["i32", "integer"],
        ["i64", "long"],
        ["u32", "long"],
        ["f32", "float"],
        ["f64", "double"],
        ["b", "boolean"],
        ["s", "string"],
        ["cat", "string"],
        ["d", "datetime"],
        ["t", "datetime"],
      ].map(([name, type]) => ({ type, name, required: true })),
    });
    expect(signatureTypeOfPolars("List")).toBeUndefined();
  });

  it("says why a table has no signature: a type MLflow cannot describe", () => {
    const frame = pl.DataFrame({ ok: [1], nested: [[1, 2]] });
    expect(inferColumns(frame)).toEqual({
      columns: null,
      problem: 'column "nested" is of Polars type List, which an MLflow signature cannot describe',
    });
  });

  it("describes outputs: a Series or list as one unnamed column, records by key, a scalar", () => {
    expect(inferColumns(pl.Series("p", [1.5, 2]))).toEqual({ columns: [{ type: "double", required: true }] });
    expect(inferColumns([1, 2, 3])).toEqual({ columns: [{ type: "long", required: true }] });
    expect(inferColumns([1, 2.5])).toEqual({ columns: [{ type: "double", required: true }] });
    expect(inferColumns(new Float32Array([1]))).toEqual({ columns: [{ type: "float", required: true }] });
    expect(inferColumns([{ a: 1, b: "x" }, { a: 2.5 }])).toEqual({
      columns: [
        { type: "double", name: "a", required: true },
        { type: "string", name: "b", required: true },
      ],
    });
    expect(inferColumns("yes")).toEqual({ columns: [{ type: "string", required: true }] });
    expect(inferColumns([1, "x"])).toMatchObject({ columns: null });
    expect(inferColumns(null)).toMatchObject({ columns: null, problem: "a value of type null" });
  });

  it("types plain values: whole numbers are longs, mixed with fractions doubles, mixed kinds none", () => {
    expect(typeOfValues([1, null, 2])).toBe("long");
    expect(typeOfValues([1n])).toBe("long");
    expect(typeOfValues([true, false])).toBe("boolean");
    expect(typeOfValues([new Date()])).toBe("datetime");
    expect(typeOfValues([true, 1])).toBeUndefined();
  });
});

describe("parameters", () => {
  it("flattens each parameter dataset to its leaves, with defaults and list shapes", () => {
    const { params, skipped } = inferParams({
      "params:model_options": { test_size: 0.2, random_state: 3, features: ["a", "b"], deep: { on: true } },
      "params:name": "x",
      "params:empty": [],
      "params:none": null,
    });
    expect(params).toEqual([
      { name: "model_options.deep.on", type: "boolean", default: true, shape: null },
      { name: "model_options.features", type: "string", default: ["a", "b"], shape: [-1] },
      { name: "model_options.random_state", type: "long", default: 3, shape: null },
      { name: "model_options.test_size", type: "double", default: 0.2, shape: null },
      { name: "name", type: "string", default: "x", shape: null },
    ]);
    expect(skipped.sort()).toEqual(["empty", "none"]);
    expect(inferParams({ parameters: { a: { b: 1 } } }).params.map((p) => p.name)).toEqual(["a.b"]);
  });

  it("makes a whole number written with a decimal point a double", () => {
    const floats = new Set(["scale", "steps.1"]);
    const { params } = inferParams({ "params:scale": 1, "params:steps": [1, 2], "params:n": 3 }, (path) =>
      floats.has(path.join(".")),
    );
    expect(Object.fromEntries(params.map((p) => [p.name, p.type]))).toEqual({
      n: "long",
      scale: "double",
      steps: "double",
    });
  });
});
