// Axes for the Experiments view's charts: a linear scale with round tick values. Pure.

/** Round tick values covering [min, max] (about `count` of them), `minStep` apart at least. */
export function niceTicks(min: number, max: number, count = 5, minStep = 0): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = Math.max(minStep, Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1);
    return niceTicks(min - pad, max + pad, count, minStep);
  }
  const raw = Math.max(minStep, (max - min) / Math.max(1, count));
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 0.5 && ticks.length < 50; v += step)
    ticks.push(Number(v.toPrecision(12)));
  if (ticks.at(-1)! < max) ticks.push(Number((ticks.at(-1)! + step).toPrecision(12)));
  return ticks;
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

const SECOND = 1000;
const TIME_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
  1209600, 2592000,
].map((s) => s * SECOND);

/** Ticks for times (milliseconds since the epoch) on whole seconds, minutes, hours or days. */
export function timeTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max - min < SECOND) return timeTicks(min - SECOND, max + SECOND, count);
  const raw = (max - min) / Math.max(1, count);
  const step = TIME_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / TIME_STEPS.at(-1)!) * TIME_STEPS.at(-1)!;
  // Hours and days fall on the browser's clock, not UTC's.
  const offset = step >= 3_600_000 ? new Date(min).getTimezoneOffset() * 60_000 : 0;
  const first = Math.floor((min - offset) / step) * step + offset;
  const ticks: number[] = [];
  for (let v = first; v < max + step && ticks.length < 50; v += step) ticks.push(v);
  return ticks;
}
