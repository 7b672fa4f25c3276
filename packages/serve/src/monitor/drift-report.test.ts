import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { computeDrift, statusOf } from "./drift-report.js";

/** `n` values spread evenly over [from, to): a deterministic stand-in for a uniform sample. */
const spread = (n: number, from: number, to: number) =>
  Array.from({ length: n }, (_, i) => from + ((to - from) * i) / n);

describe("computeDrift", () => {
  const reference = pl.DataFrame({
    price: spread(2000, 0, 100),
    engines: Array.from({ length: 2000 }, (_, i) => 1 + (i % 4)),
    type: Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? "jet" : "prop")),
    approved: Array.from({ length: 2000 }, (_, i) => i % 3 === 0),
    built: Array.from({ length: 2000 }, () => new Date(2020, 0, 1)),
  });

  it("finds nothing in a sample of the same data, and drift where a column moved", () => {
    const same = reference.sample(1000, undefined, false, 1);
    const steady = computeDrift(reference, same);
    expect(steady.features.map((f) => f.status)).toEqual(["stable", "stable", "stable", "stable"]);
    expect(steady.skipped).toEqual([
      { feature: "built", reason: "its type Datetime is neither numeric nor categorical" },
    ]);

    const moved = pl.DataFrame({
      price: spread(1000, 40, 140), // shifted by 40% of its range
      engines: Array.from({ length: 1000 }, (_, i) => 1 + (i % 4)),
      type: Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? "prop" : "jet")), // 50/50 → 90/10
      approved: Array.from({ length: 1000 }, (_, i) => i % 3 === 0),
    });
    const result = computeDrift(reference, moved);
    const by = Object.fromEntries(result.features.map((f) => [f.feature, f]));
    expect(by.price).toMatchObject({
      kind: "numeric",
      status: "drift",
      reference_rows: 2000,
      current_rows: 1000,
    });
    expect(by.price!.ks_statistic).toBeCloseTo(0.4, 2);
    expect(by.price!.ks_p_value).toBeLessThan(1e-6);
    expect(by.type).toMatchObject({
      kind: "categorical",
      status: "drift",
      ks_statistic: null,
      ks_p_value: null,
    });
    // 0.5/0.5 → 0.9/0.1: 0.4·ln(1.8) + (−0.4)·ln(0.2)
    expect(by.type!.psi).toBeCloseTo(0.4 * Math.log(1.8) - 0.4 * Math.log(0.2), 10);
    expect(by.engines!.psi).toBe(0);
    expect(by.approved).toMatchObject({ kind: "categorical", psi: expect.any(Number) });
    expect(result.skipped).toEqual([{ feature: "built", reason: "not a column of the current data" }]);
  });

  it("compares only the features asked for, and says why a column is skipped", () => {
    const texts = pl.DataFrame({
      price: spread(10, 0, 1).map(String),
      engines: [1, 2, 3, 4, 1, 2, 3, 4, 1, 2],
    });
    const result = computeDrift(reference, texts, { features: ["price", "engines", "nope"] });
    expect(result.features.map((f) => f.feature)).toEqual(["engines"]);
    expect(result.skipped).toEqual([
      { feature: "price", reason: "its type differs: Float64 in the reference, String now" },
      { feature: "nope", reason: "not a column of the reference or the current data" },
    ]);
  });

  it("reads PSI as the usual bands: below 0.1 stable, below 0.25 moderate, else drift", () => {
    expect([0, 0.099, 0.1, 0.249, 0.25, 3].map(statusOf)).toEqual([
      "stable",
      "stable",
      "moderate",
      "moderate",
      "drift",
      "drift",
    ]);
  });
});
