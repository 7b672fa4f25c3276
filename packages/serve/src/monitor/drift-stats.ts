// The statistics behind `kiln monitor drift`: the population stability index (PSI) for numeric and
// categorical features and the two-sample Kolmogorov–Smirnov test for numeric ones. Pure functions
// over plain arrays; missing values (null, undefined, NaN) are a category of their own for PSI and
// left out of KS.

/** Shares below this are raised to it, so a bin empty on one side gives a large but finite PSI. */
const FLOOR = 1e-4;

/**
 * Where the numeric PSI's bins start: quantiles of the reference, without repeats. A reference with
 * no more distinct values than bins (counts, codes) gets a bin per value instead, so ties do not
 * merge values into one bin.
 */
export function quantileEdges(sortedReference: readonly number[], bins: number): number[] {
  const edges: number[] = [];
  const n = sortedReference.length;
  if (n === 0) return edges;
  const distinct: number[] = [];
  for (const x of sortedReference) {
    if (distinct.length === 0 || x > distinct[distinct.length - 1]!) distinct.push(x);
    if (distinct.length > bins) break;
  }
  if (distinct.length <= bins) return distinct.slice(1);
  for (let i = 1; i < bins; i++) {
    const edge = sortedReference[Math.min(n - 1, Math.floor((i * n) / bins))]!;
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  return edges;
}

/** The index of the bin `value` falls in: bin i holds values below edges[i] and at least edges[i-1]. */
function binOf(value: number, edges: readonly number[]): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value < edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function isMissing(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === "number" && Number.isNaN(value));
}

/** Σ (current − reference) · ln(current / reference) over matching shares. */
function psiOfShares(reference: readonly number[], current: readonly number[]): number {
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i]!, FLOOR);
    const c = Math.max(current[i]!, FLOOR);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

function shares(counts: readonly number[], total: number): number[] {
  return counts.map((c) => (total === 0 ? 0 : c / total));
}

/**
 * PSI of a numeric feature: the reference's quantiles cut both samples into (at most) `bins` bins,
 * plus a bin for missing values when either sample has some.
 */
export function numericPsi(
  reference: readonly (number | null | undefined)[],
  current: readonly (number | null | undefined)[],
  bins = 10,
): number {
  const present = (xs: readonly (number | null | undefined)[]) =>
    xs.filter((x): x is number => !isMissing(x)).sort((a, b) => a - b);
  const ref = present(reference);
  const cur = present(current);
  const edges = quantileEdges(ref, bins);
  const count = (xs: readonly number[], missing: number) => {
    const counts = new Array<number>(edges.length + 2).fill(0);
    for (const x of xs) counts[binOf(x, edges)]!++;
    counts[edges.length + 1] = missing;
    return counts;
  };
  const refCounts = count(ref, reference.length - ref.length);
  const curCounts = count(cur, current.length - cur.length);
  return psiOfShares(shares(refCounts, reference.length), shares(curCounts, current.length));
}

/** PSI of a categorical feature: one bin per value seen in either sample (missing values one more). */
export function categoricalPsi(reference: readonly unknown[], current: readonly unknown[]): number {
  const key = (v: unknown) => (isMissing(v) ? "\u0000missing" : String(v));
  const categories = new Map<string, number>();
  for (const v of [...reference, ...current]) {
    const k = key(v);
    if (!categories.has(k)) categories.set(k, categories.size);
  }
  const count = (xs: readonly unknown[]) => {
    const counts = new Array<number>(categories.size).fill(0);
    for (const v of xs) counts[categories.get(key(v))!]!++;
    return counts;
  };
  return psiOfShares(shares(count(reference), reference.length), shares(count(current), current.length));
}

/** The two-sample Kolmogorov–Smirnov statistic and its asymptotic p-value. */
export interface KsResult {
  /** The largest distance between the two empirical distribution functions, 0 to 1. */
  statistic: number;
  /** The chance of a distance at least this large if both samples came from one distribution. */
  pValue: number;
}

/** Kolmogorov's limiting distribution's upper tail, Q(λ) = 2 Σ (−1)^(j−1) e^(−2 j² λ²). */
function kolmogorovTail(lambda: number): number {
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += (j % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-12) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/**
 * The two-sample KS test on the values present in both samples. The p-value uses the asymptotic
 * distribution with Stephens' small-sample correction, good from a few dozen values per side.
 * Returns NaN for both when a side has no values.
 */
export function ksTwoSample(
  reference: readonly (number | null | undefined)[],
  current: readonly (number | null | undefined)[],
): KsResult {
  const sorted = (xs: readonly (number | null | undefined)[]) =>
    Float64Array.from(xs.filter((x): x is number => !isMissing(x))).sort();
  const a = sorted(reference);
  const b = sorted(current);
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return { statistic: Number.NaN, pValue: Number.NaN };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < n && a[i]! <= x) i++;
    while (j < m && b[j]! <= x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const en = Math.sqrt((n * m) / (n + m));
  return { statistic: d, pValue: kolmogorovTail((en + 0.12 + 0.11 / en) * d) };
}
