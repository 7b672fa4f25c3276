import { describe, expect, it } from "vitest";
import { linearScale, niceTicks, timeTicks } from "./chart-scale.js";

describe("chart axes", () => {
  it("puts round ticks around the values", () => {
    expect(niceTicks(0.12, 0.87)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(257.7, 263.3)).toEqual([256, 258, 260, 262, 264]);
    expect(niceTicks(-3, 3, 3)).toEqual([-4, -2, 0, 2, 4]);
  });

  it("widens a single value, keeps counts whole, and gives nothing for NaN", () => {
    expect(niceTicks(5, 5)).toEqual([4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6]);
    expect(niceTicks(0, 0, 5, 1)).toEqual([-1, 0, 1]);
    expect(niceTicks(0, 3, 5, 1)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(Number.NaN, 1)).toEqual([]);
  });

  it("maps a domain onto a range, and a point domain to the middle", () => {
    expect(linearScale(0, 10, 100, 200)(2.5)).toBe(125);
    expect(linearScale(0, 10, 200, 100)(10)).toBe(100);
    expect(linearScale(3, 3, 0, 50)(3)).toBe(25);
  });

  it("puts time ticks on whole seconds and minutes", () => {
    const t0 = Date.UTC(2026, 0, 2, 3, 4, 5, 600);
    const seconds = timeTicks(t0, t0 + 12_000);
    expect(seconds.every((t) => t % 1000 === 0)).toBe(true);
    expect(seconds[1]! - seconds[0]!).toBe(5000);
    expect(seconds[0]).toBeLessThanOrEqual(t0);
    expect(seconds.at(-1)).toBeGreaterThanOrEqual(t0 + 12_000);
    const minutes = timeTicks(t0, t0 + 40 * 60_000);
    expect(minutes[1]! - minutes[0]!).toBe(600_000);
    expect(minutes.every((t) => t % 60_000 === 0)).toBe(true);
  });
});
