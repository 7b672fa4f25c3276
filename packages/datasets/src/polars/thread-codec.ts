/**
 * The thread codec for Polars DataFrames and Series: ParallelRunner sends them between threads as an
 * Arrow IPC buffer that moves (is transferred), not copied. Kept free of runtime imports of `kiln` and
 * of nodejs-polars until a frame arrives, since every worker thread imports it.
 */
import type { EncodedPayload, ThreadCodec } from "kiln";
import type { DataFrame, Series } from "nodejs-polars";

/** What crosses: the frame (a Series as a one-column frame) in Arrow IPC file format. */
export interface PolarsPayload {
  kind: "DataFrame" | "Series";
  ipc: Uint8Array;
}

/** nodejs-polars' own test (`DataFrame.isDataFrame`), without importing it. */
export const isDataFrame = (value: unknown): value is DataFrame =>
  (value as { [Symbol.toStringTag]?: unknown })?.[Symbol.toStringTag] === "DataFrame";

/** nodejs-polars' own test (`Series.isSeries`): a Series' tag is a method. */
export const isSeries = (value: unknown): value is Series => {
  const tag = (value as { [Symbol.toStringTag]?: unknown })?.[Symbol.toStringTag];
  return typeof tag === "function" && tag.call(value) === "Series";
};

/**
 * `bytes` as a view of an ArrayBuffer it alone uses, so that buffer can be transferred. Node serves
 * small Buffers (under 4 KiB) from a shared pool: those are copied out (cheap at that size);
 * transferring the pool would take memory other Buffers use.
 */
export function ownedBytes(bytes: Uint8Array): Uint8Array {
  const whole =
    bytes.buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength;
  return whole ? bytes : new Uint8Array(bytes);
}

/** Arrow IPC file format, uncompressed: measured faster to read back than the IPC stream format (docs/datasets.md). */
function toIPC(df: DataFrame): Uint8Array {
  return ownedBytes(df.writeIPC({ compression: "uncompressed" }));
}

let polars: Promise<typeof import("nodejs-polars").default> | undefined;

function isPayload(value: unknown): value is PolarsPayload {
  const p = value as Partial<PolarsPayload> | null;
  return (p?.kind === "DataFrame" || p?.kind === "Series") && p.ipc instanceof Uint8Array;
}

const codec: ThreadCodec = {
  name: "polars",
  test: (value) => isDataFrame(value) || isSeries(value),
  encode(value): EncodedPayload {
    const payload: PolarsPayload = isDataFrame(value)
      ? { kind: "DataFrame", ipc: toIPC(value) }
      : { kind: "Series", ipc: toIPC((value as Series).toFrame()) };
    return { payload, transfer: [payload.ipc.buffer as ArrayBuffer] };
  },
  async decode(payload) {
    if (!isPayload(payload)) throw new Error("the payload is not a Polars IPC payload");
    polars ??= import("nodejs-polars").then(
      (m) => (m.default ?? m) as typeof import("nodejs-polars").default,
    );
    const pl = await polars;
    const { ipc } = payload;
    // A Buffer over the same memory (no copy); Polars reads the IPC into its own columns.
    const df = pl.readIPC(Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength));
    return payload.kind === "DataFrame" ? df : df.toSeries(0);
  },
};

export default codec;
