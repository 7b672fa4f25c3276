/** The example's node functions: plain functions, no Kiln imports. */

export interface Point {
  x: number;
  y: number;
}

export interface Line {
  slope: number;
  intercept: number;
}

/** Seeded points on y = slope·x + intercept plus uniform noise (mulberry32, so runs repeat exactly). */
export function makeData(options: {
  rows: number;
  slope: number;
  intercept: number;
  noise: number;
  seed: number;
}): Point[] {
  let state = options.seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: options.rows }, (_, i) => {
    const x = i / options.rows;
    return { x, y: options.slope * x + options.intercept + (random() - 0.5) * options.noise };
  });
}

/** Every k-th point goes to the test set. */
export function splitData(points: Point[], testEvery: number): [Point[], Point[]] {
  if (!Number.isInteger(testEvery) || testEvery < 2) {
    throw new RangeError(`test_every must be an integer of at least 2, got ${testEvery}`);
  }
  const train = points.filter((_, i) => i % testEvery !== 0);
  const test = points.filter((_, i) => i % testEvery === 0);
  return [train, test];
}

/** Ordinary least squares for one feature. */
export function fitLine(points: Point[]): Line {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** R² and mean absolute error of `line` on `points`. */
export function evaluate(line: Line, points: Point[]): { r2: number; mae: number } {
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  let ssRes = 0;
  let ssTot = 0;
  let abs = 0;
  for (const p of points) {
    const err = p.y - (line.slope * p.x + line.intercept);
    ssRes += err ** 2;
    ssTot += (p.y - my) ** 2;
    abs += Math.abs(err);
  }
  return { r2: 1 - ssRes / ssTot, mae: abs / points.length };
}

export function report({ line, metrics }: { line: Line; metrics: { r2: number; mae: number } }): string {
  return `y = ${line.slope.toFixed(3)}·x + ${line.intercept.toFixed(3)}  (R² ${metrics.r2.toFixed(4)}, MAE ${metrics.mae.toFixed(4)})`;
}
