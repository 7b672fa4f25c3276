/**
 * Section 7: a 1M-row × 10-column Polars DataFrame between threads (ParallelRunner's way: the thread
 * codec of @kiln/datasets, Arrow IPC with the buffer transferred), against a structured clone of the
 * same IPC buffer.
 *   node bench/frames.mjs --csv FILE   (the table of section 6: node bench/tabular.mjs --make DIR)
 * Prints one JSON line of in-process milliseconds and byte counts.
 */
import { Writable } from "node:stream";
import { Worker } from "node:worker_threads";
import codec from "@kiln/datasets/thread-codec";
import { DataCatalog, MemoryDataset, ParallelRunner } from "kiln";
import pl from "nodejs-polars";
import { parseArgs, report } from "./lib.mjs";

const args = parseArgs();
const df = pl.readCSV(args.csv, { rechunk: true });
const time = async (fn) => {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
};

// 1. Encoding, and what it is made of: Polars writing the IPC (chunks handed to JS), then one copy
//    of those chunks into a single ArrayBuffer that can be transferred.
const polarsWrite = await time(() => {
  const chunks = [];
  df.writeIPC(new Writable({ write: (chunk, _e, done) => done(null, chunks.push(chunk)) }), {
    compression: "uncompressed",
  });
  return chunks;
});
const concat = await time(() => Buffer.concat(polarsWrite.value));
const encode = await time(() => codec.encode(df));
const ipcBytes = encode.value.payload.ipc.byteLength;

// 2. To a worker thread: transfer (the codec's way) and structured clone of the same bytes.
const worker = new Worker(new URL("./fixtures/frame-worker.mjs", import.meta.url));
const reply = () => new Promise((resolve) => worker.once("message", resolve));
const send = async (payload, transfer, expect = df) => {
  const answer = reply();
  const sentAt = performance.timeOrigin + performance.now();
  const t0 = performance.now();
  worker.postMessage(payload, transfer);
  const postMs = performance.now() - t0;
  const senderBytesAfter = payload.ipc.byteLength; // 0 once the buffer has moved
  const got = await answer;
  if (got.rows !== expect.height || got.columns !== expect.width)
    throw new Error(`wrong frame: ${JSON.stringify(got)}`);
  return {
    postMs,
    arrivalMs: got.arrivedAt - sentAt,
    decodeMs: got.decodeMs,
    senderBytesAfter,
    receivedBytes: got.arrivedBytes,
  };
};
const one = pl.DataFrame({ a: [1] });
await send((await codec.encode(one)).payload, [], one); // warm the worker (imports Polars)
const transferred = await send(encode.value.payload, encode.value.transfer);
const again = await codec.encode(df);
const cloned = await send(again.payload, []);
await worker.terminate();

// 3. The IPC stream format instead of the file format (same thread): why the codec writes files.
const streamWrite = await time(() => df.writeIPCStream({ compression: "uncompressed" }));
const streamRead = await time(() => pl.readIPCStream(streamWrite.value));
const fileRead = await time(() => pl.readIPC(Buffer.from(again.payload.ipc.buffer)));

// 4. Through ParallelRunner: one node that returns its input, so the frame goes to a worker and back.
//    The node's time (from the runner's progress) with the 1M-row frame and with a 1-row frame.
const nodeMs = async (frame) => {
  let ms;
  const runner = new ParallelRunner({
    maxWorkers: 1,
    source: {
      module: new URL("./fixtures/frame-pipeline.mjs", import.meta.url).href,
      export: "createPipeline",
    },
    threadCodecs: ["@kiln/datasets/thread-codec"],
  });
  const { createPipeline } = await import("./fixtures/frame-pipeline.mjs");
  const out = await runner.run(createPipeline(), new DataCatalog({ frame: new MemoryDataset(frame) }), {
    onProgress: (p) => {
      if (p.event === "node_completed") ms = p.durationMs;
    },
  });
  if (out.frame_back.height !== frame.height) throw new Error("the frame did not come back whole");
  return ms;
};
const tiny = df.head(1);
await nodeMs(tiny); // warm up the runner's modules in this process
const runnerTiny = await nodeMs(tiny);
const runnerBig = await nodeMs(df);

report({
  rows: df.height,
  columns: df.width,
  dtypes: df.dtypes.map(String),
  ipcBytes,
  polarsWriteMs: polarsWrite.ms,
  polarsChunks: polarsWrite.value.length,
  concatMs: concat.ms,
  encodeMs: encode.ms,
  transferred,
  cloned,
  fileReadMs: fileRead.ms,
  streamBytes: streamWrite.value.byteLength,
  streamWriteMs: streamWrite.ms,
  streamReadMs: streamRead.ms,
  runnerTinyMs: runnerTiny,
  runnerBigMs: runnerBig,
});
