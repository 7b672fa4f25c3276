import { CatalogError } from "../errors/index.js";
import { quoteList } from "../utils/index.js";

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
// Not global: a global regex's .test() keeps lastIndex, which matchAll() then inherits.
const HAS_PLACEHOLDER = /\{[A-Za-z_][A-Za-z0-9_]*\}/;

/** A dataset factory: a catalog key with `{placeholders}` and the config its matches get. */
export interface DatasetPattern {
  pattern: string;
  config: Record<string, unknown>;
  /** Where it was declared, for messages (`conf/base/catalog.yml:12:1`). */
  source?: string;
}

interface Compiled extends DatasetPattern {
  regex: RegExp;
  fields: string[];
  specificity: number;
  /** Every `{` in the pattern, as Kedro counts them: `"{a}_{a}"` has 2, although it has one field. */
  braces: number;
}

/**
 * The runtime default (Kedro's `{default}`): a dataset of a run that nothing declares and no pattern
 * matches is a MemoryDataset. The runner applies it; it is listed here for the CLI.
 */
export const RUNTIME_DEFAULT_PATTERN: Readonly<DatasetPattern> = Object.freeze({
  pattern: "{default}",
  config: Object.freeze({ type: "MemoryDataset" }),
});

/** True when a catalog key is a factory pattern (`"{name}_csv"`). */
export function isPattern(key: string): boolean {
  return HAS_PLACEHOLDER.test(key);
}

function compile(p: DatasetPattern): Compiled {
  const fields: string[] = [];
  let regex = "^";
  let last = 0;
  for (const m of p.pattern.matchAll(PLACEHOLDER)) {
    regex += escapeRegExp(p.pattern.slice(last, m.index));
    if (fields.includes(m[1]!)) {
      regex += `\\k<${m[1]}>`;
    } else {
      fields.push(m[1]!);
      regex += `(?<${m[1]}>.+?)`;
    }
    last = m.index! + m[0].length;
  }
  regex += `${escapeRegExp(p.pattern.slice(last))}$`;
  const literal = p.pattern.replace(PLACEHOLDER, "");
  const braces = p.pattern.split("{").length - 1;
  return { ...p, regex: new RegExp(regex), fields, specificity: literal.length, braces };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replaces `{field}` in every string of `value` (deeply) with the matched text. */
function substitute(value: unknown, fields: Record<string, string>): unknown {
  if (typeof value === "string") return value.replace(PLACEHOLDER, (whole, f: string) => fields[f] ?? whole);
  if (Array.isArray(value)) return value.map((v) => substitute(v, fields));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, fields)]));
  }
  return value;
}

/**
 * Resolves dataset names through factory patterns, most specific first, as Kedro ranks them: more
 * literal characters first, then more `{` (every placeholder counts, a repeated one too), then
 * alphabetical. A pattern that is only a
 * placeholder (`"{name}"`) is the user's catch-all: at most one, tried last. The runtime default
 * (memory datasets for everything else) is the runner's and is not a pattern here.
 */
export class PatternResolver {
  readonly #ranked: Compiled[];
  readonly #catchAll: Compiled | undefined;

  constructor(patterns: readonly DatasetPattern[]) {
    const compiled = patterns.map(compile);
    const catchAlls = compiled.filter((c) => c.specificity === 0);
    if (catchAlls.length > 1) {
      throw new CatalogError(
        "KILN_CATALOG_MULTIPLE_CATCH_ALL",
        `The catalog has more than one catch-all pattern: ${catchAlls.map((c) => `"${c.pattern}"${c.source ? ` (${c.source})` : ""}`).join(", ")}.`,
        { hint: "Only one pattern made of a single placeholder is allowed; remove the others." },
      );
    }
    this.#catchAll = catchAlls[0];
    this.#ranked = compiled
      .filter((c) => c.specificity > 0)
      .sort(
        (a, b) =>
          b.specificity - a.specificity ||
          b.braces - a.braces ||
          (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0),
      );
  }

  /** Patterns in the order they are tried (the catch-all last). */
  list(): DatasetPattern[] {
    const all = this.#catchAll ? [...this.#ranked, this.#catchAll] : this.#ranked;
    return all.map(({ pattern, config, source }) =>
      source ? { pattern, config, source } : { pattern, config },
    );
  }

  /** The first pattern `name` matches, with its config filled in; undefined when none does. */
  resolve(name: string): { pattern: DatasetPattern; config: Record<string, unknown> } | undefined {
    for (const c of this.#catchAll ? [...this.#ranked, this.#catchAll] : this.#ranked) {
      const m = c.regex.exec(name);
      if (m) {
        const fields = { ...m.groups } as Record<string, string>;
        const { pattern, config, source } = c;
        return {
          pattern: source ? { pattern, config, source } : { pattern, config },
          config: substitute(config, fields) as Record<string, unknown>,
        };
      }
    }
    return undefined;
  }

  /** For messages: the patterns tried, quoted. */
  describeTried(): string {
    return quoteList(this.list().map((p) => p.pattern));
  }
}
