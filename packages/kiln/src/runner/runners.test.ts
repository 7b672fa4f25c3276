// The contract every runner keeps: outputs, memory datasets, release, errors, resume, hooks.
import { describe, expect, it } from "vitest";
import { createCatalog, DataCatalog, MemoryDataset, PatternResolver } from "../catalog/index.js";
import { HookManager, type Hooks } from "../hooks/index.js";
import { createLogger, type LogRecord } from "../logging/index.js";
import { node, type Pipeline, pipeline } from "../pipeline/index.js";
import { chain, confirming, diamond, failing } from "./__fixtures__/pipelines.js";
import { RecordingDataset } from "./__fixtures__/recording-dataset.js";
import {
  ConcurrentRunner,
  NodeRunError,
  ParallelRunner,
  type Runner,
  type RunnerOptions,
  type RunProgress,
  SequentialRunner,
} from "./index.js";

const quiet = createLogger({ level: "silent" });
const module = new URL("./__fixtures__/pipelines.ts", import.meta.url).href;

/** Each runner, made with `options`; ParallelRunner's workers load the fixture pipeline named `source`. */
const runners: Array<[string, (source?: string, options?: RunnerOptions) => Runner]> = [
  ["SequentialRunner", (_s, o) => new SequentialRunner({ logger: quiet, ...o })],
  ["ConcurrentRunner", (_s, o) => new ConcurrentRunner({ logger: quiet, maxConcurrency: 4, ...o })],
  [
    "ParallelRunner",
    (s = "diamond", o) =>
      new ParallelRunner({ logger: quiet, maxWorkers: 2, source: { module, export: s }, ...o }),
  ],
];

/** A persisted dataset whose release() (or exists()) throws. */
class BrokenDataset<T> extends RecordingDataset<T> {
  constructor(
    initial: T | undefined,
    readonly broken: "release" | "exists",
  ) {
    super(initial);
  }
  override release(): void {
    if (this.broken === "release") throw new Error("release refused");
  }
  override exists(): boolean {
    if (this.broken === "exists") throw new Error("store unreachable");
    return super.exists();
  }
}

/** Records every hook call as "hook:subject". */
function recorder(): { events: string[]; hooks: Hooks } {
  const events: string[] = [];
  const hooks: Hooks = {
    beforePipelineRun: () => void events.push("beforePipelineRun"),
    afterPipelineRun: () => void events.push("afterPipelineRun"),
    onPipelineError: () => void events.push("onPipelineError"),
    beforeNodeRun: ({ node }) => void events.push(`beforeNodeRun:${node.name}`),
    afterNodeRun: ({ node }) => void events.push(`afterNodeRun:${node.name}`),
    onNodeError: ({ node }) => void events.push(`onNodeError:${node.name}`),
    beforeDatasetLoaded: ({ datasetName }) => void events.push(`beforeDatasetLoaded:${datasetName}`),
    afterDatasetLoaded: ({ datasetName }) => void events.push(`afterDatasetLoaded:${datasetName}`),
    beforeDatasetSaved: ({ datasetName }) => void events.push(`beforeDatasetSaved:${datasetName}`),
    afterDatasetSaved: ({ datasetName }) => void events.push(`afterDatasetSaved:${datasetName}`),
  };
  return { events, hooks };
}

describe.each(runners)("%s", (name, make) => {
  it("returns the free outputs the nodes produced", async () => {
    const out = await make().run(diamond(), new DataCatalog({ a: new MemoryDataset(5) }));
    expect(out.report).toBe("total=25");
    expect(Object.keys(out).sort()).toEqual(["report", "thread"]);
  });

  it("fires every hook, in order for each node, with the whole event sequence", async () => {
    const { events, hooks } = recorder();
    await make().run(diamond(), new DataCatalog({ a: new MemoryDataset(1) }), {
      hooks: new HookManager([{ name: "rec", hooks }]),
    });
    expect(events[0]).toBe("beforePipelineRun");
    expect(events.at(-1)).toBe("afterPipelineRun");
    for (const n of ["double", "triple", "sum", "report"]) {
      expect(events.filter((e) => e === `beforeNodeRun:${n}`)).toHaveLength(1);
      expect(events.indexOf(`beforeNodeRun:${n}`)).toBeLessThan(events.indexOf(`afterNodeRun:${n}`));
    }
    // A node starts only after its inputs were saved, and saves after it ran.
    expect(events.indexOf("afterDatasetSaved:b")).toBeLessThan(events.indexOf("beforeNodeRun:sum"));
    expect(events.indexOf("afterNodeRun:sum")).toBeLessThan(events.indexOf("beforeDatasetSaved:d"));
    expect(events.filter((e) => e.startsWith("beforeDatasetLoaded:a"))).toHaveLength(2);
    if (name === "SequentialRunner") {
      expect(events).toEqual([
        "beforePipelineRun",
        ...["double:a:b", "triple:a:c"].flatMap((s) => {
          const [n, i, o] = s.split(":");
          return [
            `beforeDatasetLoaded:${i}`,
            `afterDatasetLoaded:${i}`,
            `beforeNodeRun:${n}`,
            `afterNodeRun:${n}`,
            `beforeDatasetSaved:${o}`,
            `afterDatasetSaved:${o}`,
          ];
        }),
        "beforeDatasetLoaded:b",
        "afterDatasetLoaded:b",
        "beforeDatasetLoaded:c",
        "afterDatasetLoaded:c",
        "beforeNodeRun:sum",
        "afterNodeRun:sum",
        "beforeDatasetSaved:d",
        "afterDatasetSaved:d",
        "beforeDatasetLoaded:d",
        "afterDatasetLoaded:d",
        "beforeNodeRun:report",
        "afterNodeRun:report",
        "beforeDatasetSaved:report",
        "afterDatasetSaved:report",
        "beforeDatasetSaved:thread",
        "afterDatasetSaved:thread",
        "afterPipelineRun",
      ]);
    }
  });

  it("gives dataset hooks the run's id, as node hooks have it", async () => {
    const seen = new Set<string>();
    const note = ({ runId }: { runId: string }) => void seen.add(runId);
    const hooks = new HookManager([
      {
        name: "ids",
        hooks: {
          beforeDatasetLoaded: note,
          afterDatasetLoaded: note,
          beforeDatasetSaved: note,
          afterDatasetSaved: note,
          beforeNodeRun: note,
        },
      },
    ]);
    await make().run(diamond(), new DataCatalog({ a: new MemoryDataset(1) }), { hooks, runId: "run-42" });
    expect([...seen]).toEqual(["run-42"]);
  });

  it("lets beforeNodeRun replace inputs", async () => {
    const hooks = new HookManager([
      {
        name: "patch",
        hooks: { beforeNodeRun: ({ node }) => (node.name === "sum" ? { b: 100 } : undefined) },
      },
    ]);
    const out = await make().run(diamond(), new DataCatalog({ a: new MemoryDataset(1) }), { hooks });
    expect(out.report).toBe("total=103");
  });

  it("fails before any node runs when a free input is missing, with a did-you-mean", async () => {
    const { events, hooks } = recorder();
    const run = make().run(diamond(), new DataCatalog({ aa: new MemoryDataset(1) }), {
      hooks: new HookManager([{ name: "rec", hooks }]),
    });
    await expect(run).rejects.toMatchObject({
      code: "KILN_RUNNER_MISSING_INPUTS",
      hint: 'Did you mean "aa"?',
    });
    expect(events).toEqual([]);
  });

  it("reports progress: the start, each node's start and end, with the duration its log line shows", async () => {
    const progress: RunProgress[] = [];
    const lines: LogRecord[] = [];
    const logger = createLogger({ level: "info", sink: (r) => void lines.push(r) });
    const runner = make("diamond", { logger });
    await runner.run(diamond(), new DataCatalog({ a: new MemoryDataset(1) }), {
      onProgress: (p) => void progress.push(p),
    });
    expect(progress[0]).toEqual({ event: "pipeline_started", total: 4 });
    const completed = progress.filter((p) => p.event === "node_completed");
    expect(completed.map((p) => p.completed)).toEqual([1, 2, 3, 4]);
    for (const p of completed) {
      const started = progress.findIndex((q) => q.event === "node_started" && q.node === p.node);
      expect(started).toBeGreaterThan(0);
      expect(started).toBeLessThan(progress.indexOf(p));
      const line = lines.find((l) => l.fields?.event === "node_completed" && l.fields.node === p.node);
      expect(line?.fields?.durationMs).toBe(p.durationMs);
    }
  });

  it("releases intermediate data after its last reader, keeps data given in memory", async () => {
    const b = new RecordingDataset<number>();
    const a = new MemoryDataset(2);
    await make().run(diamond(), new DataCatalog({ a, b }));
    expect(b.calls).toEqual(["save", "load", "release"]);
    expect(a.load()).toBe(2);
  });

  it("reports a dataset whose release() throws as a failure of the node that read it last", async () => {
    const { events, hooks } = recorder();
    const b = new BrokenDataset<number>(undefined, "release");
    const error = (await make()
      .run(diamond(), new DataCatalog({ a: new MemoryDataset(2), b }), {
        hooks: new HookManager([{ name: "rec", hooks }]),
      })
      .catch((e: unknown) => e)) as NodeRunError;
    expect(error).toBeInstanceOf(NodeRunError);
    expect(error.nodeName).toBe("sum");
    expect(error.message).toContain('Node "sum" (function addAll) failed (outside its function)');
    expect(error.message).toContain('Could not release dataset "b" (RecordingDataset): release refused');
    expect((error.cause as { code: string }).code).toBe("KILN_DATASET_FAILED");
    expect(events.at(-1)).toBe("onPipelineError");
  });
});

/** A memory dataset that records its confirm() calls, as an incremental dataset would move a checkpoint. */
class ConfirmableDataset<T> extends MemoryDataset<T> {
  readonly calls: string[];
  constructor(data: T, calls: string[]) {
    super(data);
    this.calls = calls;
  }
  confirm(): void {
    this.calls.push("confirm");
  }
}

describe.each(runners)("confirms with %s", (_n, make) => {
  it("confirms after the node's outputs are saved, and not when a later node fails", async () => {
    const calls: string[] = [];
    const catalog = () => new DataCatalog({ events: new ConfirmableDataset([1, 2, 3], calls) });
    const { hooks } = recorder();
    hooks.afterDatasetSaved = ({ datasetName }) => void calls.push(`saved:${datasetName}`);
    await make("confirming").run(confirming(), catalog(), {
      hooks: new HookManager([{ name: "rec", hooks }]),
    });
    expect(calls).toEqual(["saved:total", "confirm", "saved:checked", "confirm"]);
    calls.length = 0;
    const big = new DataCatalog({ events: new ConfirmableDataset([5, 6], calls) });
    await expect(make("confirming").run(confirming(), big)).rejects.toMatchObject({
      code: "KILN_NODE_FAILED",
    });
    expect(calls).toEqual(["confirm"]); // count confirmed; fail_if_big failed before confirming
  });

  it("refuses, before any node runs, to confirm what cannot be confirmed", async () => {
    const { events, hooks } = recorder();
    const run = make("confirming").run(confirming(), new DataCatalog({ events: new MemoryDataset([1]) }), {
      hooks: new HookManager([{ name: "rec", hooks }]),
    });
    await expect(run).rejects.toMatchObject({
      code: "KILN_RUNNER_UNKNOWN_CONFIRMS",
      message: expect.stringContaining('"events" (node "count": it has no confirm())'),
    });
    expect(events).toEqual([]);
  });
});

describe("failures", () => {
  const failingCatalog = () =>
    new DataCatalog({ a: new MemoryDataset(1), c: new RecordingDataset<number>() }).addParameters({
      limit: 3,
    });

  it.each(runners)(
    "%s names the node, its inputs, and the nearest nodes with persisted inputs",
    async (_n, make) => {
      const { events, hooks } = recorder();
      const error = await make("failing")
        .run(failing(), failingCatalog(), { hooks: new HookManager([{ name: "rec", hooks }]) })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeRunError);
      const e = error as NodeRunError;
      expect(e.code).toBe("KILN_NODE_FAILED");
      expect(e.message).toContain('Node "four"');
      expect(e.message).toContain("RangeError: bad value 4");
      expect(e.message).toContain('inputs: "d", "params:limit"');
      expect(e.resumeFromNodes).toEqual(["three"]);
      expect(e.hint).toContain('--from-nodes "three"');
      expect((e.cause as Error).message).toBe("bad value 4");
      expect(events.slice(-2)).toEqual(["onNodeError:four", "onPipelineError"]);
      const progress: RunProgress[] = [];
      await make("failing")
        .run(failing(), failingCatalog(), { onProgress: (p) => void progress.push(p) })
        .catch(() => undefined);
      expect(progress.at(-1)).toMatchObject({ event: "node_failed", node: "four" });
      expect(events).not.toContain("afterPipelineRun");
    },
  );

  it.each(runners)(
    "%s puts the resume flag into the command that started the run, replacing an earlier one",
    async (_n, make) => {
      const logs: LogRecord[] = [];
      const runner = make("failing", { logger: createLogger({ sink: (r) => logs.push(r) }) });
      const error = (await runner
        .run(failing(), failingCatalog(), { command: 'kiln run --env prod --from-nodes "two"' })
        .catch((e: unknown) => e)) as NodeRunError;
      expect(error.hint).toContain('kiln run --env prod --from-nodes "three"');
      const warning = logs.find((l) => l.level === "warn");
      expect(warning?.message).toContain("1 node has not run");
      expect(warning?.message).toContain('kiln run --env prod --from-nodes "three"');
    },
  );

  it("says to repeat the command when no node ran", async () => {
    const p = pipeline([
      node({
        func: () => {
          throw new Error("first");
        },
        inputs: "a",
        outputs: "b",
        name: "first",
      }),
    ]);
    const error = (await new SequentialRunner({ logger: quiet })
      .run(p, new DataCatalog({ a: new MemoryDataset(1) }))
      .catch((e: unknown) => e)) as NodeRunError;
    expect(error.hint).toContain("No node ran");
    expect(error.resumeFromNodes).toEqual([]);
  });

  it("reports a wrong output shape as the node's failure, keeping the shape error as cause", async () => {
    const p = pipeline([node({ func: () => [1, 2, 3], outputs: ["w", "x", "y", "z"], name: "shape" })]);
    const error = (await new SequentialRunner({ logger: quiet })
      .run(p, new DataCatalog())
      .catch((e: unknown) => e)) as NodeRunError;
    expect(error.code).toBe("KILN_NODE_FAILED");
    expect((error.cause as { code: string }).code).toBe("KILN_NODE_OUTPUT_SHAPE");
    expect(error.message).toContain("an array of 4 values");
    expect(error.message).toContain("an array of 3 values");
  });

  it("names the dataset when loading fails outside the node's function", async () => {
    const p = pipeline([node({ func: (x: number) => x, inputs: "a", outputs: "b", name: "copy" })]);
    const error = (await new SequentialRunner({ logger: quiet })
      .run(p, new DataCatalog({ a: new RecordingDataset() }))
      .catch((e: unknown) => e)) as NodeRunError;
    expect(error.message).toContain('Node "copy" (function func) failed (outside its function)');
    expect(error.message).toContain('Could not load dataset "a" (RecordingDataset): nothing saved');
  });

  it("requires transcoded datasets to be declared", async () => {
    const p = pipeline([
      node({ func: (x: number) => x, inputs: "a", outputs: "b@json", name: "w" }),
      node({ func: (x: number) => x, inputs: "b@text", outputs: "c", name: "r" }),
    ]);
    await expect(
      new SequentialRunner({ logger: quiet }).run(p, new DataCatalog({ a: new MemoryDataset(1) })),
    ).rejects.toMatchObject({
      code: "KILN_RUNNER_TRANSCODED_NOT_DECLARED",
      message: '"b@json", "b@text" use transcoding but are not declared in the catalog.',
    });
    const declared = new DataCatalog({ a: new MemoryDataset(1), "b@json": new MemoryDataset() });
    await expect(new SequentialRunner({ logger: quiet }).run(p, declared)).rejects.toMatchObject({
      message: '"b@text" uses transcoding but is not declared in the catalog.',
    });
  });
});

describe("dataset factories", () => {
  const reader = pipeline([
    node({ func: (x: number) => x + 1, inputs: "companies", outputs: "out", name: "read" }),
  ]);
  const withFactory = () =>
    new DataCatalog().setFactories({
      resolver: new PatternResolver([{ pattern: "{name}_raw", config: {} }]),
      build: () => new MemoryDataset(41),
    });

  it("lists the patterns tried when a free input matches none", async () => {
    await expect(new SequentialRunner({ logger: quiet }).run(reader, withFactory())).rejects.toMatchObject({
      code: "KILN_RUNNER_MISSING_INPUTS",
      hint: expect.stringContaining('No dataset factory matched (tried "{name}_raw")'),
    });
  });

  it("loads a free input a factory provides", async () => {
    const p = pipeline([
      node({ func: (x: number) => x + 1, inputs: "companies_raw", outputs: "out", name: "read" }),
    ]);
    expect(await new SequentialRunner({ logger: quiet }).run(p, withFactory())).toEqual({ out: 42 });
  });

  it.each(runners)(
    "%s builds every factory dataset before any node runs, so a bad one stops the run first",
    async (_name, make) => {
      const catalog = await createCatalog({
        logger: quiet,
        locate: () => ({ file: "conf/base/catalog.yml", line: 4, column: 1 }),
        catalog: { "{mode}_mem_{name}": { type: "MemoryDataset", copy_mode: "{mode}" } },
      });
      const { events, hooks } = recorder();
      const p = pipeline([
        node({ func: () => 1, inputs: [], outputs: "weather", name: "fetch" }),
        node({ func: (x: number) => x, inputs: "weather", outputs: "copyy_mem_report", name: "report" }),
      ]);
      await expect(
        make().run(p, catalog, { hooks: new HookManager([{ name: "rec", hooks }]) }),
      ).rejects.toMatchObject({
        code: "KILN_CATALOG_BAD_COPY_MODE",
        message: expect.stringContaining(
          'conf/base/catalog.yml:4:1 (dataset "copyy_mem_report" from pattern "{mode}_mem_{name}")',
        ),
      });
      expect(events).toEqual([]);
    },
  );
});

describe.each(runners)("onlyMissingOutputs with %s", (_n, make) => {
  /** Runs `p` with onlyMissingOutputs, returning the nodes that ran and the pipeline hooks that fired. */
  async function runMissing(p: Pipeline, catalog: DataCatalog) {
    const ran: string[] = [];
    const pipelineHooks: string[] = [];
    const hooks = new HookManager([
      {
        name: "rec",
        hooks: {
          beforeNodeRun: ({ node }) => void ran.push(node.name),
          beforePipelineRun: ({ pipeline }) => void pipelineHooks.push(`before:${pipeline.nodes.length}`),
          afterPipelineRun: () => void pipelineHooks.push("after"),
        },
      },
    ]);
    const out = await make("chain").run(p, catalog, { hooks, onlyMissingOutputs: true });
    return { ran, out, pipelineHooks };
  }

  it("skips nodes whose persisted outputs exist, and reruns what a running node needs", async () => {
    // b is in memory (recomputed if anyone needs it), c exists on "disk", d does not exist yet.
    const d = new RecordingDataset<number>();
    const catalog = new DataCatalog({ a: new MemoryDataset(0), c: new RecordingDataset(10), d });
    const p = chain().onlyNodes("one", "two", "three");
    const first = await runMissing(p, catalog);
    expect(first.ran).toEqual(["three"]);
    expect(d.load()).toBe(11);
    const second = await runMissing(p, catalog);
    expect(second.ran).toEqual([]);
    expect(second.out).toEqual({});
    // Nothing to run is still a run for plugins.
    expect(second.pipelineHooks).toEqual(["before:0", "after"]);
  });

  it("always runs a node without outputs (as Kedro), and only what it needs", async () => {
    const catalog = new DataCatalog({
      a: new MemoryDataset(0),
      c: new RecordingDataset(10),
      d: new RecordingDataset(11),
    });
    const { ran } = await runMissing(chain(), catalog);
    expect(ran).toEqual(["check"]);
    // With d in memory, check needs three; three's input c exists, so one and two stay skipped.
    const inMemory = new DataCatalog({ a: new MemoryDataset(0), c: new RecordingDataset(10) });
    expect((await runMissing(chain(), inMemory)).ran).toEqual(["three", "check"]);
  });

  it("fails with the dataset's name when exists() throws", async () => {
    const catalog = new DataCatalog({
      a: new MemoryDataset(0),
      c: new RecordingDataset(10),
      d: new BrokenDataset<number>(undefined, "exists"),
    });
    await expect(runMissing(chain(), catalog)).rejects.toMatchObject({
      code: "KILN_DATASET_FAILED",
      message: expect.stringMatching(/dataset "d" \(RecordingDataset\).*store unreachable/),
    });
  });
});

describe("ConcurrentRunner", () => {
  it("runs independent async nodes at the same time, never more than maxConcurrency", async () => {
    let inFlight = 0;
    let peak = 0;
    const wait = async (x: number) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return x;
    };
    const p = pipeline(
      Array.from({ length: 6 }, (_, i) =>
        node({ func: wait, inputs: "a", outputs: `o${i}`, name: `wait${i}` }),
      ),
    );
    const started = performance.now();
    await new ConcurrentRunner({ logger: quiet, maxConcurrency: 3 }).run(
      p,
      new DataCatalog({ a: new MemoryDataset(1) }),
    );
    expect(peak).toBe(3);
    // Two waves of 20 ms, not six.
    expect(performance.now() - started).toBeLessThan(6 * 20);
  });

  it("rejects a maxConcurrency that is not a positive integer", () => {
    expect(() => new ConcurrentRunner({ maxConcurrency: 0 })).toThrow(
      /maxConcurrency must be a positive integer/,
    );
  });
});
