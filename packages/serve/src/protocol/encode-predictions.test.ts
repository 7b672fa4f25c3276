import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { encodePredictions } from "./encode-predictions.js";

const decoded = (result: unknown) => JSON.parse(encodePredictions(result));

describe("encodePredictions: MLflow's output shapes", () => {
  it("a DataFrame is a list of records", () => {
    const frame = pl.DataFrame({ price: [1.5, 2], label: ["a", "b"] });
    expect(decoded(frame)).toEqual({
      predictions: [
        { price: 1.5, label: "a" },
        { price: 2, label: "b" },
      ],
    });
  });

  it("a Series, an array and a typed array are plain lists", () => {
    expect(decoded(pl.Series("price", [1, 2]))).toEqual({ predictions: [1, 2] });
    expect(decoded([3, 4])).toEqual({ predictions: [3, 4] });
    expect(decoded(Float64Array.of(5, 6))).toEqual({ predictions: [5, 6] });
  });

  it("a single value is a list of one", () => {
    expect(decoded(7)).toEqual({ predictions: [7] });
    expect(decoded("yes")).toEqual({ predictions: ["yes"] });
    expect(decoded(null)).toEqual({ predictions: [null] });
  });

  it("NaN becomes null, BigInts numbers (or text past 2^53), bytes base64, dates ISO text", () => {
    expect(decoded([Number.NaN, 10n, 2n ** 64n])).toEqual({
      predictions: [null, 10, "18446744073709551616"],
    });
    expect(decoded([Uint8Array.of(104, 105)])).toEqual({ predictions: ["aGk="] });
    expect(decoded(new Date("2024-05-01T00:00:00Z"))).toEqual({ predictions: ["2024-05-01T00:00:00.000Z"] });
    expect(decoded(pl.readRecords([{ n: 5 }], { schema: { n: pl.UInt64 } }))).toEqual({
      predictions: [{ n: 5 }],
    });
  });

  it("an object is sent as it is", () => {
    expect(decoded({ a: [1] })).toEqual({ predictions: { a: [1] } });
  });
});
