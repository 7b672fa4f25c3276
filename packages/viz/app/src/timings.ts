/** Moments of the first drawing since navigation (ms), for the benchmarks' breakdown. */
export const timings: Record<string, number> = {};

/** Records the first time `name` happens. */
export function mark(name: string): void {
  if (!(name in timings) && typeof performance !== "undefined") timings[name] = Math.round(performance.now());
}
