import { describe, expect, it } from "vitest";
import { categoricalPsi, ksTwoSample, numericPsi, quantileEdges } from "./drift-stats.js";

/** A seeded uniform generator (mulberry32), so the synthetic samples are the same on every run. */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` normal draws (Box–Muller) with the given mean and standard deviation. */
function normal(n: number, mean: number, sd: number, seed: number): number[] {
  const u = uniform(seed);
  return Array.from(
    { length: n },
    () => mean + sd * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()),
  );
}

describe("PSI", () => {
  it("is 0 for identical samples, numeric and categorical", () => {
    const xs = normal(1000, 0, 1, 1);
    expect(numericPsi(xs, xs)).toBe(0);
    expect(categoricalPsi(["a", "b", "b"], ["a", "b", "b"])).toBe(0);
  });

  it("matches the formula on shares worked out by hand", () => {
    // reference a: 1/2, b: 1/2; current a: 3/4, b: 1/4.
    const expected = 0.25 * Math.log(1.5) + -0.25 * Math.log(0.5);
    expect(categoricalPsi(["a", "a", "b", "b"], ["a", "a", "a", "b"])).toBeCloseTo(expected, 12);
  });

  it("is small between two samples of one distribution and large after a shift of one standard deviation", () => {
    const reference = normal(5000, 10, 2, 1);
    const same = normal(5000, 10, 2, 2);
    const shifted = normal(5000, 12, 2, 3);
    expect(numericPsi(reference, same)).toBeLessThan(0.02);
    expect(numericPsi(reference, shifted)).toBeGreaterThan(0.25);
  });

  it("counts missing values as a bin of their own, and a category never seen before", () => {
    const reference = normal(1000, 0, 1, 4);
    const halfMissing = reference.map((x, i) => (i % 2 === 0 ? null : x));
    expect(numericPsi(reference, halfMissing)).toBeGreaterThan(1);
    expect(categoricalPsi(["a", "b"], ["a", "c"])).toBeGreaterThan(1);
    expect(Number.isFinite(categoricalPsi(["a"], ["c"]))).toBe(true);
  });

  it("cuts bins at the reference's quantiles, without repeated edges", () => {
    expect(quantileEdges([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)).toEqual([3, 5, 7, 9]);
    expect(quantileEdges([1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9, 9], 4)).toEqual([3, 5, 8]);
    // Few distinct values: one bin each.
    expect(quantileEdges([1, 1, 1, 1, 2, 4], 4)).toEqual([2, 4]);
    expect(quantileEdges([], 10)).toEqual([]);
  });
});

describe("two-sample Kolmogorov–Smirnov", () => {
  it("gives D = 0 and p = 1 for identical samples, D = 1 and a small p for disjoint ones", () => {
    expect(ksTwoSample([1, 2, 3], [1, 2, 3])).toEqual({ statistic: 0, pValue: 1 });
    const apart = ksTwoSample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(apart.statistic).toBe(1);
    expect(apart.pValue).toBeLessThan(1e-3);
  });

  it("finds the distance between two normals one standard deviation apart (2Φ(0.5) − 1 ≈ 0.383)", () => {
    const ks = ksTwoSample(normal(5000, 0, 1, 5), normal(5000, 1, 1, 6));
    expect(ks.statistic).toBeGreaterThan(0.35);
    expect(ks.statistic).toBeLessThan(0.42);
    expect(ks.pValue).toBeLessThan(1e-10);
    const same = ksTwoSample(normal(5000, 0, 1, 7), normal(5000, 0, 1, 8));
    expect(same.statistic).toBeLessThan(0.05);
    expect(same.pValue).toBeGreaterThan(0.01);
  });

  it("leaves missing values out, and gives NaN when a side has none", () => {
    expect(ksTwoSample([1, null, 2, Number.NaN], [1, 2]).statistic).toBe(0);
    expect(ksTwoSample([], [1]).statistic).toBeNaN();
  });
});
