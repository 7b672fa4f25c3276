import { lazyYaml } from "../utils/index.js";
import type { PathSegment } from "./object-path.js";

/** One `${...}` of a string: a reference to another key, or a resolver call with an optional default. */
export interface InterpolationRef {
  kind: "ref";
  /**
   * What messages quote: `${globals:bucket}`, or `${globals:bucket, …}` with a default. Never the
   * default itself nor the rest of the string: in credentials either could be a secret.
   */
  label: string;
  /** `globals`, `runtime_params`, `env`; undefined for a reference within the same config. */
  resolver: string | undefined;
  /** The key, variable name or path, as written. */
  key: string;
  /** The default after the comma, unparsed; undefined when none was given. */
  defaultRaw: string | undefined;
}

/** A string with interpolations, split into literal text and references. */
export type InterpolationPart = { kind: "text"; text: string } | InterpolationRef;

/** A malformed `${...}`; the resolver adds the file, line and column. */
export class InterpolationSyntaxError extends Error {}

/** The index of the `}` closing the `${` at `start`, skipping nested `${...}` and quoted text. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let j = start; j < text.length; j++) {
    const c = text[j]!;
    if (quote) {
      if (c === "\\") j++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "$" && text[j + 1] === "{") {
      depth++;
      j++;
    } else if (c === "}" && --depth === 0) return j;
  }
  return -1;
}

/** Splits `text` on commas outside nested `${...}`, brackets and quotes. */
export function splitTopLevel(text: string, separator = ","): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let j = 0; j < text.length; j++) {
    const c = text[j]!;
    if (quote) {
      if (c === "\\") j++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "{" || c === "[" || c === "(") depth++;
    else if (c === "}" || c === "]" || c === ")") depth--;
    else if (c === separator && depth === 0) {
      out.push(text.slice(start, j));
      start = j + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** `${` and the key-like characters after it: enough to find the spot, too little to hold a secret. */
function head(text: string): string {
  return /^\$\{[\w.:-]{0,40}/.exec(text)?.[0] ?? "${";
}

function parseRef(inner: string, raw: string): InterpolationRef {
  const trimmed = inner.trim();
  if (trimmed === "") throw new InterpolationSyntaxError(`"\${}" is empty`);
  const resolverMatch = /^([A-Za-z_][\w.]*)\s*:/.exec(trimmed);
  const resolver = resolverMatch?.[1];
  const args = splitTopLevel(resolverMatch ? trimmed.slice(resolverMatch[0].length) : trimmed);
  const key = args[0]!.trim();
  const shownKey = /^[\w.[\]-]*$/.test(key) ? key : head(`\${${key}`).slice(2);
  const label = `\${${resolver ? `${resolver}:` : ""}${shownKey}${args.length > 1 ? ", …" : ""}}`;
  if (args.length > 2)
    throw new InterpolationSyntaxError(
      `"${label}" has ${args.length} arguments; expected a key and at most one default`,
    );
  if (!resolver && args.length > 1)
    throw new InterpolationSyntaxError(
      `"${label}" gives a default to a plain reference; only resolvers (globals:, runtime_params:, env:) take one`,
    );
  if (key === "") throw new InterpolationSyntaxError(`"${head(raw)}…}" names no key`);
  return { kind: "ref", label, resolver, key, defaultRaw: args[1]?.trim() };
}

/**
 * Splits a string into text and `${...}` references (OmegaConf syntax). `\${...}` stays literal
 * text; `\\${...}` is a backslash followed by a reference. Undefined when there is nothing to resolve.
 *
 * @throws InterpolationSyntaxError for an unclosed or empty `${`, or too many arguments.
 */
export function parseInterpolation(text: string): InterpolationPart[] | undefined {
  if (!text.includes("${")) return undefined;
  const parts: InterpolationPart[] = [];
  let buffer = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("\\\\${", i)) {
      buffer += "\\";
      i += 2;
    } else if (text.startsWith("\\${", i)) {
      buffer += "${";
      i += 3;
    } else if (text.startsWith("${", i)) {
      const end = closingBrace(text, i);
      if (end < 0) throw new InterpolationSyntaxError(`"${head(text.slice(i))}…" has no closing "}"`);
      if (buffer) parts.push({ kind: "text", text: buffer });
      buffer = "";
      parts.push(parseRef(text.slice(i + 2, end), text.slice(i, end + 1)));
      i = end + 1;
    } else {
      buffer += text[i];
      i++;
    }
  }
  if (buffer) parts.push({ kind: "text", text: buffer });
  return parts;
}

/**
 * A reference key as a path: `a.b[0].c` → `["a", "b", 0, "c"]`, with the number of leading dots
 * (`${.sibling}` is 1, `${..uncle}` is 2; 0 for a path from the root).
 */
export function parseKeyPath(key: string): { up: number; path: PathSegment[] } | undefined {
  const up = /^\.*/.exec(key)![0].length;
  const rest = key.slice(up);
  if (!/^[^.[\]\s]+(?:\.[^.[\]\s]+|\[\d+\])*$/.test(rest)) return undefined;
  const path: PathSegment[] = [];
  for (const match of rest.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) path.push(Number(match[2]));
    else path.push(match[1]!);
  }
  return { up, path };
}

/** A default value typed as a YAML scalar would be: `5` → 5, `true` → true, `'x'` → "x", empty → "". */
export function parseDefault(raw: string): unknown {
  if (raw === "") return "";
  // A tag could build something other than plain data; such a default stays the text it is.
  if (raw.startsWith("!")) return raw;
  try {
    return lazyYaml().parse(raw, { schema: "core", logLevel: "silent" });
  } catch {
    return raw;
  }
}
