/**
 * Thread codecs: how values that structured clone cannot copy (a Polars DataFrame is a native object)
 * cross between ParallelRunner's main thread and its workers. A plugin lists codec modules; both
 * threads import them, the sender encodes, the receiver decodes.
 */

/** What a codec's `encode` returns: a cloneable payload and the buffers in it to move, not copy. */
export interface EncodedPayload {
  /** Anything structured clone copies (plain objects, arrays, typed arrays, ArrayBuffers…). */
  payload: unknown;
  /**
   * ArrayBuffers inside `payload` to transfer: they move to the other thread and are detached here.
   * List only buffers made for the trip that nothing else uses, and never a view into Node's shared
   * Buffer pool (a small `Buffer` is usually one): transferring it would take memory others use.
   */
  transfer: ArrayBuffer[];
}

/**
 * A way to send one kind of value between threads: the default export of a module a plugin lists in
 * `threadCodecs`. The module is imported by the main thread and by every worker, so it should be
 * cheap to import (import heavy engines inside `decode`) and must not depend on the thread's state.
 *
 * @example
 * const codec: ThreadCodec = {
 *   name: "point",
 *   test: (v) => v instanceof Point,
 *   encode: (p) => ({ payload: { x: p.x, y: p.y }, transfer: [] }),
 *   decode: (o) => new Point(o.x, o.y),
 * };
 * export default codec;
 */
export interface ThreadCodec {
  /** Shown in errors and used to find the decoder: unique among the codecs of a run. */
  name: string;
  /** True for the values this codec sends; called on every candidate value, so keep it cheap. */
  test(value: unknown): boolean;
  encode(value: unknown): EncodedPayload | Promise<EncodedPayload>;
  /** Rebuilds the value in the receiving thread; may take ownership of transferred buffers. */
  decode(payload: unknown): unknown;
}

/** The field that marks an encoded value in a message (a plain object `{ [MARK]: codec, payload }`). */
const MARK = "__kilnThreadCodec";

interface Encoded {
  [MARK]: string;
  payload: unknown;
}

const isEncoded = (v: unknown): v is Encoded =>
  typeof v === "object" && v !== null && typeof (v as Record<string, unknown>)[MARK] === "string";

import { RunnerError } from "../errors/index.js";

/** A codec that threw: which one, and what it was doing. */
export class ThreadCodecFailure extends Error {
  constructor(
    readonly codec: string,
    readonly step: "encode" | "decode",
    readonly error: unknown,
  ) {
    super(`thread codec "${codec}" failed to ${step}: ${(error as Error)?.message ?? String(error)}`);
  }
}

/**
 * Runs a codec step (encode or decode one dataset's value), reporting a codec's failure with the
 * dataset and the node it was sent for.
 * @throws RunnerError `KILN_RUNNER_THREAD_CODEC_FAILED`
 */
export async function codecStep<T>(
  step: () => Promise<T>,
  side: "Input" | "Output",
  name: string,
  node: string,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof ThreadCodecFailure)) throw error;
    throw new RunnerError(
      "KILN_RUNNER_THREAD_CODEC_FAILED",
      `${side} "${name}" of node "${node}": ${error.message}.`,
      {
        cause: error.error,
        hint: "Run the pipeline with SequentialRunner to see whether the data itself is at fault; if it is not, report it to the plugin that provides the codec.",
      },
    );
  }
}

/** Values of an array, a plain object or a Map: the one level below a dataset's value codecs reach. */
function children(value: object): { items: unknown[]; rebuild(items: unknown[]): unknown } | undefined {
  if (Array.isArray(value)) return { items: value, rebuild: (items) => items };
  if (value instanceof Map) {
    const keys = [...value.keys()];
    return { items: [...value.values()], rebuild: (items) => new Map(keys.map((k, i) => [k, items[i]])) };
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  if (Object.prototype.toString.call(value) !== "[object Object]") return undefined; // a tagged host object
  const keys = Object.keys(value);
  return {
    items: keys.map((k) => (value as Record<string, unknown>)[k]),
    rebuild: (items) => Object.fromEntries(keys.map((k, i) => [k, items[i]])),
  };
}

/**
 * The codecs of a run, applied to one dataset value at a time: the value itself, or the items of an
 * array, plain object or Map it is (one level: `[df1, df2]`, `{ train: df, test: df }`). Deeper
 * values go by structured clone as before.
 */
export class ThreadCodecs {
  readonly #byName: Map<string, ThreadCodec>;

  constructor(readonly codecs: readonly ThreadCodec[]) {
    this.#byName = new Map(codecs.map((c) => [c.name, c]));
  }

  get size(): number {
    return this.codecs.length;
  }

  /**
   * `value` with every value a codec takes replaced by its payload; `changed` is false (and `value`
   * returned as is) when no codec took anything. Buffers to transfer are added to `transfer`.
   * @throws ThreadCodecFailure when a codec's encode throws.
   */
  async encode(value: unknown, transfer: Set<ArrayBuffer>): Promise<{ value: unknown; changed: boolean }> {
    if (this.codecs.length === 0 || value === null || typeof value !== "object")
      return { value, changed: false };
    const codec = this.#codecFor(value);
    if (codec) return { value: await this.#encodeWith(codec, value, transfer), changed: true };
    const parts = children(value);
    if (!parts) return { value, changed: false };
    // Copied only when a codec takes an item: a large array of numbers is looked at, not rebuilt.
    let items: unknown[] | undefined;
    for (let i = 0; i < parts.items.length; i++) {
      const item = parts.items[i];
      if (item === null || typeof item !== "object") continue;
      const itemCodec = this.#codecFor(item);
      if (!itemCodec) continue;
      items ??= parts.items.slice();
      items[i] = await this.#encodeWith(itemCodec, item, transfer);
    }
    return items ? { value: parts.rebuild(items), changed: true } : { value, changed: false };
  }

  /** True when a codec takes `value` itself (what ParallelRunner checks before a run, without encoding). */
  takes(value: unknown): boolean {
    if (this.codecs.length === 0 || value === null || typeof value !== "object") return false;
    try {
      return this.#codecFor(value) !== undefined;
    } catch {
      return false; // encoding will report it, naming the codec
    }
  }

  #codecFor(value: object): ThreadCodec | undefined {
    for (const codec of this.codecs) {
      try {
        if (codec.test(value)) return codec;
      } catch (error) {
        throw new ThreadCodecFailure(codec.name, "encode", error);
      }
    }
    return undefined;
  }

  async #encodeWith(codec: ThreadCodec, value: object, transfer: Set<ArrayBuffer>): Promise<Encoded> {
    let out: EncodedPayload;
    try {
      out = await codec.encode(value);
    } catch (error) {
      throw new ThreadCodecFailure(codec.name, "encode", error);
    }
    for (const buffer of out.transfer ?? []) transfer.add(buffer);
    return { [MARK]: codec.name, payload: out.payload };
  }

  /**
   * The value an {@link encode} result stands for, rebuilt by the codecs.
   * @throws ThreadCodecFailure when a codec's decode throws, or names a codec this thread lacks.
   */
  async decode(value: unknown): Promise<unknown> {
    if (isEncoded(value)) return this.#decodeOne(value);
    if (value === null || typeof value !== "object") return value;
    const parts = children(value);
    if (!parts) return value;
    const items: unknown[] = [];
    for (const item of parts.items) items.push(isEncoded(item) ? await this.#decodeOne(item) : item);
    return parts.rebuild(items);
  }

  async #decodeOne(encoded: Encoded): Promise<unknown> {
    const name = encoded[MARK];
    const codec = this.#byName.get(name);
    if (!codec)
      throw new ThreadCodecFailure(name, "decode", new Error("this thread has no codec by that name"));
    try {
      return await codec.decode(encoded.payload);
    } catch (error) {
      throw new ThreadCodecFailure(name, "decode", error);
    }
  }
}
