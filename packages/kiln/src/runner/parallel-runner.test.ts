import { threadId } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { DataCatalog, MemoryDataset } from "../catalog/index.js";
import { HookManager } from "../hooks/index.js";
import { createLogger } from "../logging/index.js";
import { diamond, Point, points, special } from "./__fixtures__/pipelines.js";
import { encodedBuffers } from "./__fixtures__/point-codec.js";
import { RecordingDataset } from "./__fixtures__/recording-dataset.js";
import { NodeRunError, ParallelRunner } from "./index.js";
import { transferableBuffers, whyNotCloneable } from "./transfer.js";

const quiet = createLogger({ level: "silent" });

/** Records node and pipeline hooks as "hook:node". */
function recorder(): { events: string[]; hooks: HookManager } {
  const events: string[] = [];
  const hooks = new HookManager([
    {
      name: "rec",
      hooks: {
        afterNodeRun: ({ node }) => void events.push(`afterNodeRun:${node.name}`),
        onNodeError: ({ node }) => void events.push(`onNodeError:${node.name}`),
        onPipelineError: () => void events.push("onPipelineError"),
      },
    },
  ]);
  return { events, hooks };
}
const module = new URL("./__fixtures__/pipelines.ts", import.meta.url).href;

describe("ParallelRunner", () => {
  it("runs node functions in worker threads, not the main thread", async () => {
    const runner = new ParallelRunner({
      logger: quiet,
      maxWorkers: 2,
      source: { module, export: "diamond" },
    });
    const out = await runner.run(diamond(), new DataCatalog({ a: new MemoryDataset(2) }));
    expect(out.report).toBe("total=10");
    expect(out.thread).not.toBe(threadId);
  });

  it("finds nodes through a registry of named pipelines", async () => {
    const runner = new ParallelRunner({
      logger: quiet,
      maxWorkers: 1,
      source: { module, export: "registry", name: "special" },
    });
    const p = special().onlyNodes("make_big", "sum_big");
    const out = await runner.run(p, new DataCatalog({ n: new MemoryDataset(100_000) }));
    expect(out.big_sum).toBe(150_000);
  });

  it("brings large binary outputs back intact", async () => {
    const runner = new ParallelRunner({
      logger: quiet,
      maxWorkers: 1,
      source: { module, export: "special" },
    });
    const out = await runner.run(
      special().onlyNodes("make_big"),
      new DataCatalog({ n: new MemoryDataset(50_000) }),
    );
    const big = out.big as Float64Array;
    expect(big).toBeInstanceOf(Float64Array);
    expect(big.length).toBe(50_000);
    expect(big[49_999]).toBe(1.5);
  });

  it("transfers large binary outputs: the worker's buffer is detached after the reply", async () => {
    // keep_big keeps the array it returns; kept_bytes, run next in the same worker, reports its size.
    const seen: unknown[] = [];
    const hooks = new HookManager([
      {
        name: "rec",
        hooks: {
          afterNodeRun: ({ node, outputs }) => void (node.name === "keep_big" && seen.push(outputs.kept)),
        },
      },
    ]);
    const run = (transfer: boolean, n: number) =>
      new ParallelRunner({
        logger: quiet,
        maxWorkers: 1,
        transfer,
        source: { module, export: "special" },
      }).run(special().onlyNodes("keep_big", "kept_bytes"), new DataCatalog({ n: new MemoryDataset(n) }), {
        hooks,
      });
    expect(await run(true, 50_000)).toEqual({ kept_bytes: 0 });
    const arrived = seen[0] as Float64Array;
    expect(arrived).toBeInstanceOf(Float64Array);
    expect(arrived.length).toBe(50_000);
    expect(arrived[49_999]).toBe(2.5);
    // Copied instead: with transfer off, and for buffers under 64 KiB.
    expect(await run(false, 50_000)).toEqual({ kept_bytes: 400_000 });
    expect(await run(true, 1_000)).toEqual({ kept_bytes: 8_000 });
  });

  it("fails the node whose worker thread exits, with the exit code", async () => {
    const { events, hooks } = recorder();
    const runner = new ParallelRunner({
      logger: quiet,
      maxWorkers: 1,
      source: { module, export: "special" },
    });
    const error = (await runner
      .run(special().onlyNodes("exit_worker"), new DataCatalog({ code: new MemoryDataset(3) }), { hooks })
      .catch((e: unknown) => e)) as NodeRunError;
    expect(error).toBeInstanceOf(NodeRunError);
    expect(error.nodeName).toBe("exit_worker");
    expect(error.cause).toMatchObject({
      code: "KILN_RUNNER_WORKER_EXITED",
      message: 'A ParallelRunner worker thread exited (code 3) while running node "exit_worker".',
      hint: expect.stringContaining("process.exit()"),
    });
    expect(events).toEqual(["onNodeError:exit_worker", "onPipelineError"]);
  });

  it("reports an error thrown outside a node's promise, which ends its worker thread", async () => {
    const runner = new ParallelRunner({
      logger: quiet,
      maxWorkers: 1,
      source: { module, export: "special" },
    });
    const error = (await runner
      .run(special().onlyNodes("crash_worker"), new DataCatalog({ n: new MemoryDataset(1) }))
      .catch((e: unknown) => e)) as NodeRunError;
    expect(error.nodeName).toBe("crash_worker");
    expect(error.cause).toMatchObject({
      code: "KILN_RUNNER_WORKER_EXITED",
      message:
        'A ParallelRunner worker thread exited (code 1) while running node "crash_worker": thrown from a timer.',
    });
    expect(((error.cause as Error).cause as Error).message).toBe("thrown from a timer");
  });

  it("blames only the node whose worker exited; nodes in other workers finish", async () => {
    const { events, hooks } = recorder();
    const runner = new ParallelRunner({
      logger: quiet,
      maxWorkers: 2,
      source: { module, export: "special" },
    });
    // a_slow is sent to a worker first and is still running when exit_worker's worker exits.
    const error = (await runner
      .run(
        special().onlyNodes("a_slow", "exit_worker"),
        new DataCatalog({ n: new MemoryDataset(1), code: new MemoryDataset(0) }),
        { hooks },
      )
      .catch((e: unknown) => e)) as NodeRunError;
    expect(error.nodeName).toBe("exit_worker");
    expect((error.cause as { code: string }).code).toBe("KILN_RUNNER_WORKER_EXITED");
    expect(events).toContain("afterNodeRun:a_slow");
    expect(events).not.toContain("onNodeError:a_slow");
  });

  it("rejects a maxWorkers that is not a positive integer", () => {
    for (const [value, shown] of [
      [0, "0"],
      [-2, "-2"],
      [1.5, "1.5"],
      [Number.NaN, "NaN"],
      ["4", '"4"'],
    ] as const) {
      expect(() => new ParallelRunner({ maxWorkers: value as number })).toThrow(
        expect.objectContaining({
          code: "KILN_RUNNER_BAD_OPTION",
          message: `ParallelRunner: maxWorkers must be a positive integer, got ${shown}.`,
          hint: "e.g. --runner-params max_workers=4",
        }),
      );
    }
    expect(new ParallelRunner({ maxWorkers: 3 }).maxWorkers).toBe(3);
  });

  it("passes the worker's error up with the node's name", async () => {
    const runner = new ParallelRunner({
      logger: quiet,
      maxWorkers: 1,
      source: { module, export: "special" },
    });
    const error = await runner
      .run(special().onlyNodes("explode"), new DataCatalog({ n: new MemoryDataset(1) }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "KILN_NODE_FAILED" });
    expect((error as Error).message).toContain('Node "explode"');
    expect((error as Error).message).toContain("TypeError: boom in worker");
  });

  it("refuses a class instance output with a clear error naming it", async () => {
    const runner = new ParallelRunner({
      logger: quiet,
      maxWorkers: 1,
      source: { module, export: "special" },
    });
    const error = (await runner
      .run(special().onlyNodes("make_point"), new DataCatalog())
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(
      'Output "point" of node "make_point" cannot be sent back to the main thread',
    );
    expect(error.message).toContain("instance of Point");
    expect(error.cause).toMatchObject({
      code: "KILN_RUNNER_NOT_THREAD_SAFE",
      hint: expect.stringContaining("thread codec"),
    });
  });

  it("refuses, before any node runs, a dataset whose copy mode is assign", async () => {
    const ran: string[] = [];
    const hooks = new HookManager([
      { name: "rec", hooks: { beforeNodeRun: ({ node }) => void ran.push(node.name) } },
    ]);
    const runner = new ParallelRunner({
      logger: quiet,
      maxWorkers: 1,
      source: { module, export: "special" },
    });
    const catalog = new DataCatalog({ shared: new MemoryDataset(1, { copyMode: "assign" }) });
    await expect(runner.run(special().onlyNodes("use_shared"), catalog, { hooks })).rejects.toMatchObject({
      code: "KILN_RUNNER_NOT_THREAD_SAFE",
      message: expect.stringContaining('"shared" (use_shared)'),
    });
    expect(ran).toEqual([]);
  });

  it("refuses, before any node runs, a class instance given in memory", async () => {
    const runner = new ParallelRunner({
      logger: quiet,
      maxWorkers: 1,
      source: { module, export: "special" },
    });
    const catalog = new DataCatalog({ shared: new MemoryDataset(new Point(1, 2)) });
    await expect(runner.run(special().onlyNodes("use_shared"), catalog)).rejects.toMatchObject({
      code: "KILN_RUNNER_NOT_THREAD_SAFE",
      message: expect.stringContaining('Input "shared" (read by "use_shared")'),
    });
  });

  it("needs a pipeline source, and one that has the nodes being run", async () => {
    await expect(
      new ParallelRunner({ logger: quiet }).run(diamond(), new DataCatalog({ a: new MemoryDataset(1) })),
    ).rejects.toMatchObject({ code: "KILN_RUNNER_NO_PIPELINE_SOURCE" });
    const wrong = new ParallelRunner({ logger: quiet, source: { module, export: "special" } });
    await expect(wrong.run(diamond(), new DataCatalog({ a: new MemoryDataset(1) }))).rejects.toMatchObject({
      code: "KILN_RUNNER_NODE_NOT_IN_SOURCE",
      message: expect.stringContaining('"double"'),
    });
    const missing = new ParallelRunner({ logger: quiet, source: { module, export: "nope" } });
    await expect(missing.run(diamond(), new DataCatalog({ a: new MemoryDataset(1) }))).rejects.toMatchObject({
      code: "KILN_RUNNER_PIPELINE_SOURCE",
      hint: expect.stringContaining("diamond"),
    });
  });
});

describe("ParallelRunner with thread codecs", () => {
  const codec = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url).href;
  const runner = (...codecs: string[]) =>
    new ParallelRunner({
      logger: quiet,
      maxWorkers: 1,
      source: { module, export: "points" },
      threadCodecs: codecs.map(codec),
    });

  it("sends a value structured clone cannot copy to a worker and back, moving the codec's buffers", async () => {
    const before = encodedBuffers.length;
    const seen: unknown[] = [];
    const hooks = new HookManager([
      { name: "rec", hooks: { afterNodeRun: ({ outputs }) => void seen.push(outputs.moved) } },
    ]);
    const out = await runner("point-codec.ts").run(
      points().onlyNodes("move_point"),
      new DataCatalog({ point: new MemoryDataset(new Point(1, 2)) }),
      { hooks },
    );
    expect(out.thread).not.toBe(threadId);
    expect(out.arrived_as_point).toBe(true); // the worker got a Point, not a plain object
    expect(out.moved).toBeInstanceOf(Point);
    expect(out.moved).toEqual(new Point(2, 2));
    expect(seen[0]).toBeInstanceOf(Point); // hooks see the decoded value
    // The main thread encoded the input; its buffer moved to the worker.
    const sent = encodedBuffers.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.byteLength).toBe(0);
  });

  it("reaches values one level inside array, object and Map datasets", async () => {
    const out = await runner("point-codec.ts").run(
      points().onlyNodes("move_point", "spread_points", "check_points"),
      new DataCatalog({ point: new MemoryDataset(new Point(1, 2)) }),
    );
    expect(out.all_points).toBe(true);
  });

  it("names the dataset, node and codec when a codec fails", async () => {
    const fail = (step: string) =>
      runner("failing-codec.ts")
        .run(points().onlyNodes("make_fragile"), new DataCatalog({ step: new MemoryDataset(step) }))
        .catch((e: unknown) => e as NodeRunError);
    const encode = await fail("encode");
    expect(encode.cause).toMatchObject({
      code: "KILN_RUNNER_THREAD_CODEC_FAILED",
      message:
        'Output "fragile" of node "make_fragile": thread codec "fragile" failed to encode: cannot encode this.',
    });
    const decode = await fail("decode");
    expect(decode.cause).toMatchObject({
      code: "KILN_RUNNER_THREAD_CODEC_FAILED",
      message:
        'Output "fragile" of node "make_fragile": thread codec "fragile" failed to decode: cannot decode this.',
    });
    const input = (await runner("failing-codec.ts")
      .run(
        points().onlyNodes("take_fragile"),
        new DataCatalog({ fragile_in: new MemoryDataset({ codec: "encode" }) }),
      )
      .catch((e: unknown) => e)) as NodeRunError;
    expect(input.cause).toMatchObject({
      code: "KILN_RUNNER_THREAD_CODEC_FAILED",
      message: expect.stringContaining('Input "fragile_in" of node "take_fragile"'),
    });
  });

  it("refuses a codec module that exports no codec before any node runs", async () => {
    await expect(
      runner("not-a-codec.ts").run(
        points().onlyNodes("move_point"),
        new DataCatalog({ point: new MemoryDataset(new Point(1, 2)) }),
      ),
    ).rejects.toMatchObject({ code: "KILN_RUNNER_THREAD_CODEC" });
  });

  it("still refuses, naming the dataset, what no codec takes", async () => {
    // A Proxy tagged like a Polars DataFrame, loaded from a (persisted) dataset: its prototype is
    // plain, but structured clone refuses it.
    const frame = new Proxy({}, { get: (_t, key) => (key === Symbol.toStringTag ? "DataFrame" : undefined) });
    const error = (await runner("point-codec.ts")
      .run(points().onlyNodes("take_fragile"), new DataCatalog({ fragile_in: new RecordingDataset(frame) }))
      .catch((e: unknown) => e)) as NodeRunError;
    expect(error.nodeName).toBe("take_fragile");
    expect(error.cause).toMatchObject({
      code: "KILN_RUNNER_NOT_THREAD_SAFE",
      message:
        'Input "fragile_in" of node "take_fragile" cannot be sent to a worker thread: it is a DataFrame object, which structured clone cannot copy.',
      hint: expect.stringContaining("@kiln/datasets sends Polars DataFrames"),
    });
  });
});

describe("thread crossing helpers", () => {
  it("transfers only large, whole buffers", () => {
    const big = new Float64Array(20_000);
    const small = new Float64Array(10);
    const slice = new Uint8Array(new ArrayBuffer(200_000), 0, 100_000);
    expect(transferableBuffers({ big, small, slice, nested: [{ again: big }] })).toEqual([big.buffer]);
  });

  it("explains what cannot cross a thread", () => {
    expect(whyNotCloneable(() => 1)).toBe("it is a function");
    expect(whyNotCloneable(new (class Model {})())).toContain("instance of Model");
    expect(whyNotCloneable({ a: 1, run: () => 1 })).toBe(
      'it carries a function (property "run"), which structured clone cannot copy',
    );
    for (const ok of [1, "s", null, [1], { a: 1 }, new Map(), new Date(), new Uint8Array(2)]) {
      expect(whyNotCloneable(ok)).toBeUndefined();
    }
  });
});
