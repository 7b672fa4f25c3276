/** The weather example's node functions: plain functions of data, no Kiln imports, easy to test. */

export interface Reading {
  station: string;
  day: number;
  celsius: number;
}

export interface StationSummary {
  station: string;
  days: number;
  mean: number;
  min: number;
  max: number;
}

/** The `weather` parameters (conf/base/parameters_weather.yml). */
export interface WeatherParameters {
  stations: string[];
  days: number;
  seed: number;
}

/** A seeded generator in [0, 1) (mulberry32), so every run makes the same readings. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Daily temperatures for each station: a seasonal curve, an offset per station, and noise. */
export function makeReadings(parameters: WeatherParameters): Reading[] {
  const random = seededRandom(parameters.seed);
  return parameters.stations.flatMap((station, index) =>
    Array.from({ length: parameters.days }, (_, day) => {
      const celsius = 10 + index * 1.5 + 8 * Math.sin((2 * Math.PI * day) / 365) + (random() - 0.5) * 4;
      return { station, day, celsius: Math.round(celsius * 10) / 10 };
    }),
  );
}

/** Days, mean, min and max per station, in the order stations first appear. */
export function summarizeStations(readings: Reading[]): StationSummary[] {
  const byStation = new Map<string, number[]>();
  for (const reading of readings) {
    const values = byStation.get(reading.station) ?? [];
    values.push(reading.celsius);
    byStation.set(reading.station, values);
  }
  return [...byStation].map(([station, values]) => ({
    station,
    days: values.length,
    mean: Math.round((values.reduce((sum, v) => sum + v, 0) / values.length) * 100) / 100,
    min: Math.min(...values),
    max: Math.max(...values),
  }));
}

/** One line of the report: the first cell left-aligned, the others right-aligned. */
function row(first: string, ...rest: string[]): string {
  return `${first.padEnd(12)}${rest.map((cell) => cell.padStart(8)).join("")}\n`;
}

/** A plain-text table of the summaries, warmest station first. */
export function reportStations(summaries: StationSummary[]): string {
  const warmestFirst = [...summaries].sort((a, b) => b.mean - a.mean);
  const lines = warmestFirst.map((s) =>
    row(s.station, s.mean.toFixed(2), s.min.toFixed(1), s.max.toFixed(1)),
  );
  return row("station", "mean", "min", "max") + lines.join("");
}
