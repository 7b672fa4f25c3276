import { threadId } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { DataCatalog, MemoryDataset } from "../catalog/index.js";
import { HookManager } from "../hooks/index.js";
import { createLogger } from "../logging/index.js";
import { diamond, Point, special } from "./__fixtures__/pipelines.js";
import { ParallelRunner } from "./index.js";
import { transferableBuffers, whyNotCloneable } from "./transfer.js";

const quiet = createLogger({ level: "silent" });
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
    expect(error.message).toContain('output "point" cannot be sent back to the main thread');
    expect(error.message).toContain("instance of Point");
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
    for (const ok of [1, "s", null, [1], { a: 1 }, new Map(), new Date(), new Uint8Array(2)]) {
      expect(whyNotCloneable(ok)).toBeUndefined();
    }
  });
});
