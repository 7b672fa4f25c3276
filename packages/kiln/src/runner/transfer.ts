/** Buffers smaller than this are cheaper to copy than to transfer (and may sit in Node's shared pool). */
const MIN_TRANSFER_BYTES = 64 * 1024;

/**
 * The ArrayBuffers inside `value` (typed arrays, Arrow columns, nested up to a few levels) that can be
 * moved to another thread instead of copied. Pool-backed views (a small Buffer inside a larger shared
 * slab) are left out, as are SharedArrayBuffers, which are shared anyway.
 */
export function transferableBuffers(
  value: unknown,
  depth = 4,
  found = new Set<ArrayBuffer>(),
): ArrayBuffer[] {
  visit(value, depth, found, new Set());
  return [...found];
}

function visit(value: unknown, depth: number, found: Set<ArrayBuffer>, seen: Set<object>): void {
  if (value === null || typeof value !== "object" || seen.has(value)) return;
  seen.add(value);
  if (value instanceof ArrayBuffer) {
    if (value.byteLength >= MIN_TRANSFER_BYTES) found.add(value);
    return;
  }
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer;
    if (
      buffer instanceof ArrayBuffer &&
      buffer.byteLength >= MIN_TRANSFER_BYTES &&
      value.byteLength === buffer.byteLength
    ) {
      found.add(buffer);
    }
    return;
  }
  if (depth === 0) return;
  const children = Array.isArray(value)
    ? value
    : value instanceof Map
      ? [...value.values()]
      : Object.values(value);
  for (const child of children) visit(child, depth - 1, found, seen);
}

const CLONEABLE_CLASSES: Array<abstract new (...args: never) => unknown> = [
  Array,
  Map,
  Set,
  Date,
  RegExp,
  ArrayBuffer,
  DataView,
  Error,
  Boolean,
  Number,
  String,
];

/**
 * Why `value` cannot cross a thread intact, or undefined when it can: functions and symbols cannot be
 * cloned at all, and class instances would arrive as plain objects without their methods.
 */
export function whyNotCloneable(value: unknown): string | undefined {
  if (typeof value === "function") return "it is a function";
  if (typeof value === "symbol") return "it is a symbol";
  if (value === null || typeof value !== "object") return undefined;
  if (ArrayBuffer.isView(value)) return undefined;
  const proto = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return whyNotPlain(value);
  if (CLONEABLE_CLASSES.some((c) => value instanceof c)) return undefined;
  const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? "an unnamed class";
  return `it is an instance of ${name}, which would arrive in the other thread as a plain object without its methods`;
}

/**
 * Objects with a plain prototype that still cannot cross: a host object with its own tag (a Polars
 * DataFrame is a Proxy tagged "DataFrame") or one carrying methods as own properties (a Polars
 * Series). Looks only at this level; deeper values are checked by postMessage itself.
 */
function whyNotPlain(value: object): string | undefined {
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  if (tag !== "Object") return `it is a ${tag} object, which structured clone cannot copy`;
  for (const key of Reflect.ownKeys(value)) {
    if (typeof Object.getOwnPropertyDescriptor(value, key)?.value === "function") {
      return `it carries a function (property "${String(key)}"), which structured clone cannot copy`;
    }
  }
  return undefined;
}

/** The hint of every "cannot cross a thread" error. */
export const NOT_SENDABLE_HINT =
  "Pass plain data (objects, arrays, typed arrays, Maps, Dates) between nodes run by ParallelRunner, " +
  "add a plugin whose thread codec sends this kind of value (@kiln/datasets sends Polars DataFrames and Series), " +
  "or run this pipeline with SequentialRunner.";
