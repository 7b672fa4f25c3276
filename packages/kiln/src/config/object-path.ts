/** One step into a configuration value: a mapping key or a list index. */
export type PathSegment = string | number;

/** A mapping parsed from YAML or JSON (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Sets an own property, even `__proto__`, so configuration keys can never reach a prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The child of a mapping or list, or `undefined`; only own properties count. */
export function child(container: unknown, segment: PathSegment): { found: boolean; value: unknown } {
  if (Array.isArray(container)) {
    const index = typeof segment === "number" ? segment : /^\d+$/.test(segment) ? Number(segment) : -1;
    return index >= 0 && index < container.length
      ? { found: true, value: container[index] }
      : { found: false, value: undefined };
  }
  if (isPlainObject(container) && Object.hasOwn(container, String(segment)))
    return { found: true, value: container[String(segment)] };
  return { found: false, value: undefined };
}

/** The value at `path` under `root`, and whether it exists. */
export function getAt(root: unknown, path: readonly PathSegment[]): { found: boolean; value: unknown } {
  let current: { found: boolean; value: unknown } = { found: true, value: root };
  for (const segment of path) {
    current = child(current.value, segment);
    if (!current.found) return current;
  }
  return current;
}

/** Replaces the value at an existing `path` (not the root). */
export function replaceAt(root: unknown, path: readonly PathSegment[], value: unknown): void {
  const parent = getAt(root, path.slice(0, -1)).value;
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) parent[Number(last)] = value;
  else if (isPlainObject(parent)) setOwn(parent, String(last), value);
}

/** `model_options.features[0]`: a path as users read it in messages. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number" || /^\d+$/.test(segment)) out += `[${segment}]`;
    else out += out === "" ? segment : `.${segment}`;
  }
  return out;
}

/** Every path under `value` (mappings and list items), dotted, for did-you-mean suggestions. */
export function allPaths(value: unknown, prefix = "", out: string[] = [], limit = 5000): string[] {
  if (out.length >= limit) return out;
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      out.push(path);
      allPaths(item, path, out, limit);
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const path = `${prefix}[${i}]`;
      out.push(path);
      allPaths(item, path, out, limit);
    });
  }
  return out;
}

/** A deep copy of plain data (mappings, lists, scalars); shared or cyclic parts come out unshared. */
export function clonePlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => clonePlain(item)) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, key, clonePlain(item));
    return out as T;
  }
  return value;
}

/** `null`, `array`, or the `typeof` name: how messages describe a value's type. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** Paths as deep as `path` (`a.b` → `x.y`, not `x`): the sensible did-you-mean candidates for it. */
export function pathsLike(path: readonly PathSegment[], root: unknown): string[] {
  const depth = formatPath(path).split(/\.|\[/).length;
  return allPaths(root).filter((p) => p.split(/\.|\[/).length === depth);
}
