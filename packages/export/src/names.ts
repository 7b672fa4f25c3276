import { shortHash } from "kiln";

/** How names are made for one target system. */
export interface NameRules {
  /** Characters outside this class become `-`. */
  invalid: RegExp;
  maxLength: number;
  lowerCase: boolean;
  /** A name made only of invalid characters becomes this. */
  fallback: string;
}

/** Kubernetes object and Argo task names: DNS-1123 labels (lower-case alphanumerics and `-`, ≤ 63). */
export const DNS_1123_LABEL: NameRules = {
  invalid: /[^a-z0-9-]/g,
  maxLength: 63,
  lowerCase: true,
  fallback: "node",
};

/** Valohai step, node, input and output names: no dots (edges split `node.type.key` on them). */
export const VALOHAI_NAME: NameRules = {
  invalid: /[^A-Za-z0-9_-]/g,
  maxLength: 64,
  lowerCase: false,
  fallback: "node",
};

function clean(name: string, rules: NameRules): string {
  const text = (rules.lowerCase ? name.toLowerCase() : name)
    .replace(rules.invalid, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");
  return text === "" ? rules.fallback : text;
}

/** `base` cut so that `-<hash>` fits, the hash being of the original name. */
function withHash(base: string, original: string, rules: NameRules): string {
  const hash = shortHash(original);
  const room = rules.maxLength - hash.length - 1;
  return `${base.slice(0, room).replace(/[-_]+$/, "")}-${hash}`;
}

/**
 * Safe, unique names for `originals`, deterministic whatever their order: invalid characters become
 * `-`; a name too long, or one that two originals would share, gets a hash of its original name
 * (the first of the sharers in sorted order keeps the plain name).
 */
export function uniqueNames(originals: Iterable<string>, rules: NameRules): Map<string, string> {
  const sorted = [...new Set(originals)].sort();
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const original of sorted) {
    const base = clean(original, rules);
    let name = base.length > rules.maxLength ? withHash(base, original, rules) : base;
    if (taken.has(name)) name = withHash(base, original, rules);
    // A hash can only clash with a plain name that happens to end the same way: salt until free.
    for (let salt = 1; taken.has(name); salt++) name = withHash(base, `${original}#${salt}`, rules);
    taken.add(name);
    out.set(original, name);
  }
  return out;
}

/** True for a DNS-1123 label (what Kubernetes accepts as a namespace or object name part). */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}
