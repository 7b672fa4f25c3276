/** Levenshtein distance, bounded: returns `limit + 1` as soon as the distance must exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/** Letters and digits: what a name is made of, as opposed to separators like `_` or `.`. */
const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * The candidates closest to `input`, best first: case-insensitive edit distance within a third of
 * the input's length (at least 2), plus candidates that contain the input or are contained in it.
 * A suggestion must share something with the input: a candidate without a letter or digit (the
 * shell's `_` for an unset `MY_TOKEN`), one that shares no character with it in place (`"xy"` →
 * `"ab"`), or a contained one shorter than 3 characters, is never offered.
 */
export function closestMatches(input: string, candidates: Iterable<string>, max = 3): string[] {
  const needle = input.toLowerCase();
  const limit = Math.max(2, Math.floor(needle.length / 3));
  const scored: Array<[string, number]> = [];
  for (const candidate of candidates) {
    const hay = candidate.toLowerCase();
    // A name of separators only (the shell's `_` variable) is no suggestion for a real name.
    if (!WORD_CHAR.test(hay) && WORD_CHAR.test(needle)) continue;
    let score = editDistance(needle, hay, limit);
    // Replacing everything is not a near miss ("xy" → "ab" is 2 edits, within the limit).
    if (score >= Math.max(needle.length, hay.length)) score = limit + 1;
    if (score > limit) {
      const [shorter, longer] = needle.length <= hay.length ? [needle, hay] : [hay, needle];
      if (shorter.length >= 3 && longer.includes(shorter)) score = limit;
    }
    if (score <= limit) scored.push([candidate, score]);
  }
  scored.sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1));
  return scored.slice(0, max).map(([name]) => name);
}

/** `Did you mean "x"?` / `Did you mean one of "x", "y"?`, or undefined when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const near = closestMatches(input, candidates);
  if (near.length === 0) return undefined;
  if (near.length === 1) return `Did you mean "${near[0]}"?`;
  return `Did you mean one of ${near.map((n) => `"${n}"`).join(", ")}?`;
}

/** Quote and join names for messages: `"a", "b", "c"`, cut after `max` with a count of the rest. */
export function quoteList(names: Iterable<string>, max = 20): string {
  const all = [...names];
  const shown = all.slice(0, max).map((n) => `"${n}"`);
  if (all.length > max) shown.push(`… and ${all.length - max} more`);
  return shown.join(", ");
}
