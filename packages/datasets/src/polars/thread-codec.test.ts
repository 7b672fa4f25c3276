import { MessageChannel, threadId } from "node:worker_threads";
import { createLogger, DataCatalog, type Dataset, MemoryDataset, ParallelRunner } from "kiln";
import pl, { type DataFrame, type Series } from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { framePipeline } from "../__fixtures__/frame-pipeline.js";
import plugin from "../plugin.js";
import codec, { ownedBytes, type PolarsPayload } from "./thread-codec.js";

/** Sends `value` to another port as ParallelRunner does (payload + transfer list) and decodes it there. */
async function roundTrip(value: unknown): Promise<{ back: unknown; sent: PolarsPayload }> {
  const { payload, transfer } = await codec.encode(value);
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<unknown>((resolve) => port2.once("message", resolve));
  port1.postMessage(payload, transfer);
  const arrived = await received;
  port1.close();
  return { back: await codec.decode(arrived), sent: payload as PolarsPayload };
}

const frame = () =>
  pl.DataFrame({
    id: pl.Series("id", [1, 2, 3], pl.Int64),
    small: pl.Series("small", [1, 2, null], pl.UInt8),
    price: [1.5, null, 3.25],
    name: ["a", "b,c", null],
    ok: [true, false, null],
    day: pl.Series("day", [new Date("2024-01-02"), null, new Date("1969-12-31")], pl.Date),
    at: [new Date("2024-01-02T03:04:05.678Z"), new Date(0), null],
    tags: [["x"], [], ["y", "z"]],
  });

describe("the Polars thread codec", () => {
  it("takes DataFrames and Series, nothing else", () => {
    const df = frame();
    expect(codec.test(df)).toBe(true);
    expect(codec.test(df.getColumn("id"))).toBe(true);
    for (const other of [df.lazy(), {}, [], { toString: () => "DataFrame" }, null, 3, new Uint8Array(2)]) {
      expect(codec.test(other)).toBe(false);
    }
  });

  it("round-trips every column type it is given, nulls included, and moves the IPC buffer", async () => {
    const df = frame();
    const { back, sent } = await roundTrip(df);
    expect(pl.DataFrame.isDataFrame(back)).toBe(true);
    const got = back as DataFrame;
    expect(got.columns).toEqual(df.columns);
    expect(got.dtypes.map(String)).toEqual(df.dtypes.map(String));
    expect(got.frameEqual(df, true)).toBe(true);
    expect(got.getColumn("name").toArray()).toEqual(["a", "b,c", null]);
    expect(got.getColumn("ok").toArray()).toEqual([true, false, null]);
    expect(sent.ipc.byteLength).toBe(0); // transferred: the sender's view is detached
  });

  it("round-trips a Series with its name and type, and an unnamed one", async () => {
    const named = pl.Series("price", [1.5, null, 3], pl.Float32);
    const { back } = await roundTrip(named);
    expect(pl.Series.isSeries(back)).toBe(true);
    const got = back as Series;
    expect(got.name).toBe("price");
    expect(String(got.dtype)).toBe(String(named.dtype));
    expect(got.toArray()).toEqual([1.5, null, 3]);
    const unnamed = (await roundTrip(pl.Series([true, null]))).back as Series;
    expect(unnamed.name).toBe("");
    expect(unnamed.toArray()).toEqual([true, null]);
  });

  it("round-trips empty frames: no columns, and columns without rows", async () => {
    const none = (await roundTrip(pl.DataFrame())).back as DataFrame;
    expect(none.shape).toEqual({ height: 0, width: 0 });
    const empty = frame().head(0);
    const back = (await roundTrip(empty)).back as DataFrame;
    expect(back.shape).toEqual({ height: 0, width: 8 });
    expect(back.dtypes.map(String)).toEqual(empty.dtypes.map(String));
  });

  it("never hands over Node's shared Buffer pool: small IPC buffers are copied out of it", async () => {
    const pooled = Buffer.from("small"); // Node serves this from its pool
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    const owned = ownedBytes(pooled);
    expect(owned.buffer.byteLength).toBe(5);
    expect(Buffer.from(owned).toString()).toBe("small");
    const whole = new Uint8Array(8);
    expect(ownedBytes(whole)).toBe(whole);
    // A frame of a few bytes: its IPC Buffer is pooled, the payload owns its buffer.
    const { payload, transfer } = await codec.encode(pl.DataFrame({ a: [1] }));
    const { ipc } = payload as PolarsPayload;
    expect(transfer).toEqual([ipc.buffer]);
    expect(ipc.buffer.byteLength).toBe(ipc.byteLength);
    expect(pooled.toString()).toBe("small");
  });

  it("refuses a payload that is not its own", async () => {
    await expect(codec.decode({ kind: "Table", ipc: new Uint8Array(1) })).rejects.toThrow(
      "the payload is not a Polars IPC payload",
    );
  });

  it("is the plugin's thread codec", () => {
    expect(plugin.threadCodecs).toEqual([new URL("./thread-codec.js", import.meta.url).href]);
  });
});

/** A persisted-like dataset that loads `value` as it is (no copy), as a file dataset loads a frame. */
const loaded = (value: unknown): Dataset => ({
  load: () => value,
  save: () => undefined,
  exists: () => true,
  describe: () => ({ type: "Loaded" }),
});

describe("DataFrames through ParallelRunner", () => {
  it("go to a worker and back as DataFrames (also inside an array output)", async () => {
    const runner = new ParallelRunner({
      logger: createLogger({ level: "silent" }),
      maxWorkers: 1,
      source: {
        module: new URL("../__fixtures__/frame-pipeline.ts", import.meta.url).href,
        export: "framePipeline",
      },
      threadCodecs: plugin.threadCodecs!,
    });
    const df = frame();
    const out = await runner.run(
      framePipeline().onlyNodes("price_frame", "inspect_frame"),
      new DataCatalog({ frame: new MemoryDataset(df) }),
    );
    expect(out.thread).not.toBe(threadId);
    expect(out.kinds).toBe("true,true");
    expect(out.rows).toBe(3);
    const [head, tail] = out.frames as DataFrame[];
    expect(head!.getColumn("double_price").toArray()).toEqual([3]);
    expect(tail!.getColumn("id").toArray()).toEqual([3]);
    expect(tail!.dtypes.map(String)).toEqual([...frame().dtypes.map(String), "DataType(Float64)"]);
  });

  it("two levels down are not reached: the error names the dataset and the node", async () => {
    const runner = new ParallelRunner({
      logger: createLogger({ level: "silent" }),
      maxWorkers: 1,
      source: {
        module: new URL("../__fixtures__/frame-pipeline.ts", import.meta.url).href,
        export: "framePipeline",
      },
      threadCodecs: plugin.threadCodecs!,
    });
    const run = (nested: unknown) =>
      runner
        .run(framePipeline().onlyNodes("nest_deeper"), new DataCatalog({ nested: loaded(nested) }))
        .catch((e: unknown) => e as Error & { cause?: unknown });
    // Sent as input: structured clone meets the frame inside.
    const input = await run({ a: { b: frame() } });
    expect(input).toMatchObject({ code: "KILN_NODE_FAILED" });
    expect(input.cause).toMatchObject({
      code: "KILN_RUNNER_NOT_THREAD_SAFE",
      message: expect.stringContaining(
        'Input "nested" of node "nest_deeper" cannot be sent to a worker thread',
      ),
    });
    // Returned one level deeper than it came: the output cannot go back.
    const output = await run({ df: frame() });
    expect(output).toMatchObject({ code: "KILN_NODE_FAILED" });
    expect(output.cause).toMatchObject({
      code: "KILN_RUNNER_NOT_THREAD_SAFE",
      message: expect.stringContaining(
        'Output "nested_back" of node "nest_deeper" cannot be sent back to the main thread',
      ),
    });
  });

  it("without the codec, fail with the dataset's name", async () => {
    const runner = new ParallelRunner({
      logger: createLogger({ level: "silent" }),
      maxWorkers: 1,
      source: {
        module: new URL("../__fixtures__/frame-pipeline.ts", import.meta.url).href,
        export: "framePipeline",
      },
    });
    await expect(
      runner.run(
        framePipeline().onlyNodes("price_frame"),
        new DataCatalog({ frame: new MemoryDataset(frame()) }),
      ),
    ).rejects.toMatchObject({
      code: "KILN_RUNNER_NOT_THREAD_SAFE",
      message:
        'Input "frame" (read by "price_frame") cannot be sent to a worker thread: it is a DataFrame object, which structured clone cannot copy.',
    });
  });
});
