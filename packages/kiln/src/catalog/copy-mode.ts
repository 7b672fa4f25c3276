/**
 * How a memory dataset hands out data: `assign` shares the value, `copy` copies the top level
 * (or calls the value's own `clone()`), `deepcopy` copies every nested array, plain object, Map, Set,
 * Date and binary buffer while sharing class instances.
 */
export type CopyMode = "assign" | "copy" | "deepcopy";

const hasClone = (v: object): boolean => typeof (v as { clone?: unknown }).clone === "function";

/**
 * An object of plain data: a `{}` or `Object.create(null)` with no methods. Some libraries build
 * their objects as literals with methods, or as proxies that list only their data (a nodejs-polars
 * DataFrame lists its columns), and taking those apart key by key would break them.
 */
const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  if ((proto !== Object.prototype && proto !== null) || hasClone(v)) return false;
  for (const key in v) if (typeof (v as Record<string, unknown>)[key] === "function") return false;
  return true;
};

/**
 * The copy mode Kiln picks when none is given (as Kedro picks one per data type): primitives,
 * functions and other class instances (models) are assigned; binary buffers and objects with a
 * `clone()` method (DataFrames: Kedro copies those too) are copied; arrays, plain objects, Maps, Sets
 * and Dates are deep-copied.
 */
export function inferCopyMode(value: unknown): CopyMode {
  if (value === null || typeof value !== "object") return "assign";
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || hasClone(value)) return "copy";
  if (Array.isArray(value) || isPlainObject(value)) return "deepcopy";
  if (value instanceof Map || value instanceof Set || value instanceof Date) return "deepcopy";
  return "assign";
}

function copyBinary(value: ArrayBuffer | ArrayBufferView): ArrayBuffer | ArrayBufferView {
  if (value instanceof ArrayBuffer) return value.slice(0);
  if (value instanceof DataView)
    return new DataView(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  return (value as unknown as { slice(): ArrayBufferView }).slice();
}

function shallowCopy(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return copyBinary(value);
  if (Array.isArray(value)) return value.slice();
  if (value instanceof Map) return new Map(value);
  if (value instanceof Set) return new Set(value);
  if (value instanceof Date) return new Date(value.getTime());
  if (isPlainObject(value)) return { ...value };
  const clone = (value as { clone?: unknown }).clone;
  if (typeof clone === "function") return clone.call(value);
  return value;
}

function deepCopy(value: unknown, seen: Map<object, unknown>): unknown {
  if (value === null || typeof value !== "object") return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    const copy = copyBinary(value);
    seen.set(value, copy);
    return copy;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    seen.set(value, copy);
    for (let i = 0; i < value.length; i++) copy[i] = deepCopy(value[i], seen);
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map();
    seen.set(value, copy);
    for (const [k, v] of value) copy.set(deepCopy(k, seen), deepCopy(v, seen));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    seen.set(value, copy);
    for (const v of value) copy.add(deepCopy(v, seen));
    return copy;
  }
  if (value instanceof Date) return new Date(value.getTime());
  if (hasClone(value)) {
    const copy = (value as { clone(): unknown }).clone(); // a DataFrame's own copy
    seen.set(value, copy);
    return copy;
  }
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = Object.create(Object.getPrototypeOf(value));
    seen.set(value, copy);
    for (const key of Object.keys(value)) copy[key] = deepCopy((value as Record<string, unknown>)[key], seen);
    return copy;
  }
  // Class instances (DataFrames, fitted models, handles to native memory) are shared, not taken apart.
  return value;
}

/** Returns `value` as `mode` hands it out. */
export function copyWithMode(value: unknown, mode: CopyMode): unknown {
  if (mode === "assign") return value;
  if (mode === "copy") return shallowCopy(value);
  // A Map, not a WeakMap: it lives for one copy, and V8 looks a Map up faster.
  return deepCopy(value, new Map());
}
