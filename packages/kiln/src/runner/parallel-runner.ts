import { availableParallelism } from "node:os";
import type { DataCatalog } from "../catalog/index.js";
import { RunnerError } from "../errors/index.js";
import type { Node, Pipeline } from "../pipeline/index.js";
import { quoteList, resolveModuleUrl } from "../utils/index.js";
import { BaseRunner, type RunnerOptions } from "./base-runner.js";
import { positiveInteger } from "./concurrent-runner.js";
import { loadPipelineSource } from "./load-pipeline-source.js";
import { loadThreadCodecs } from "./load-thread-codecs.js";
import type { ExecuteNode } from "./node-task.js";
import { runInDependencyOrder } from "./scheduler.js";
import { codecStep, type ThreadCodecs } from "./thread-codec.js";
import { NOT_SENDABLE_HINT, whyNotCloneable } from "./transfer.js";
import { WorkerPool } from "./worker-pool.js";
import type { PipelineSource } from "./worker-protocol.js";

/** Options of {@link ParallelRunner}. */
export interface ParallelRunnerOptions extends RunnerOptions {
  /** Worker threads. Default: the number of cores. */
  maxWorkers?: number;
  /**
   * Where workers find the pipeline: functions cannot cross threads, so each worker imports the module
   * that builds the pipeline and looks nodes up by name. A Kiln project sets this from its registry.
   */
  source?: PipelineSource;
  /** Move large binary buffers from workers instead of copying them (default true). */
  transfer?: boolean;
  /**
   * Thread codec modules (URLs, absolute paths, or paths and packages resolved from the working
   * directory) whose default export is a `ThreadCodec`: values they take cross threads
   * encoded. A Kiln project passes its plugins' `threadCodecs`.
   */
  threadCodecs?: readonly string[];
}

/**
 * Runs node functions in worker threads, for CPU-bound pipelines. Loading, saving and hooks stay on the
 * main thread, so hooks see every node; inputs are sent to workers by structured clone, and large
 * binary outputs come back by transfer (no copy). Values structured clone cannot copy (a Polars
 * DataFrame) cross through thread codecs (`threadCodecs`, which plugins provide).
 *
 * @example
 * new ParallelRunner({ maxWorkers: 4, source: { module: import.meta.url, export: "createPipeline" } })
 */
export class ParallelRunner extends BaseRunner {
  readonly name = "ParallelRunner";
  protected readonly isAsync = true;
  readonly maxWorkers: number;
  readonly source: PipelineSource | undefined;
  readonly transfer: boolean;
  /** Thread codec modules as URLs every thread can import. */
  readonly threadCodecs: readonly string[];
  #codecs: Promise<ThreadCodecs> | undefined;

  constructor(options: ParallelRunnerOptions = {}) {
    super(options);
    this.maxWorkers = positiveInteger(options.maxWorkers ?? availableParallelism(), "maxWorkers", this.name);
    this.source = options.source;
    this.transfer = options.transfer ?? true;
    this.threadCodecs = (options.threadCodecs ?? []).map((m) => resolveModuleUrl(m, process.cwd()));
  }

  /** The codecs, imported once per runner in this thread (workers import the same modules). */
  #loadCodecs(): Promise<ThreadCodecs> {
    this.#codecs ??= loadThreadCodecs(this.threadCodecs, process.cwd()).catch((error: unknown) => {
      this.#codecs = undefined;
      throw error;
    });
    return this.#codecs;
  }

  protected override async validate(pipeline: Pipeline, catalog: DataCatalog): Promise<void> {
    if (!this.source) {
      throw new RunnerError(
        "KILN_RUNNER_NO_PIPELINE_SOURCE",
        "ParallelRunner needs to know where worker threads can load the pipeline.",
        {
          hint: 'Pass { source: { module: "<path or file URL>", export: "<export name>" } }; `kiln run --runner parallel` sets it for you.',
        },
      );
    }
    const stuck = pipeline
      .datasets()
      .filter((ds) => catalog.get(ds).crossesThreads === false)
      .map(
        (ds) =>
          `"${ds}" (${pipeline.nodes
            .filter((n) => n.inputs.includes(ds) || n.outputs.includes(ds))
            .map((n) => n.name)
            .join(", ")})`,
      );
    if (stuck.length > 0) {
      throw new RunnerError(
        "KILN_RUNNER_NOT_THREAD_SAFE",
        `These datasets cannot be passed between threads: ${stuck.join("; ")}.`,
        {
          hint: 'A MemoryDataset with copyMode "assign" keeps object identity, which a worker thread cannot share. Use another copy mode, or SequentialRunner.',
        },
      );
    }
    const codecs = await this.#loadCodecs();
    // Data handed to the run in memory is known now: check it before any node runs.
    for (const ds of pipeline.inputs()) {
      const dataset = catalog.get(ds);
      if (dataset.ephemeral !== true || !(await dataset.exists())) continue;
      const data = await catalog.load(ds);
      const why = codecs.takes(data) ? undefined : whyNotCloneable(data);
      if (why) {
        const readers = pipeline.nodes.filter((n) => n.inputs.includes(ds)).map((n) => n.name);
        throw new RunnerError(
          "KILN_RUNNER_NOT_THREAD_SAFE",
          `Input "${ds}" (read by ${quoteList(readers)}) cannot be sent to a worker thread: ${why}.`,
          { hint: NOT_SENDABLE_HINT },
        );
      }
    }
    const nodes = await loadPipelineSource(this.source);
    const absent = pipeline.nodes.filter((n) => !nodes.has(n.name)).map((n) => n.name);
    if (absent.length > 0) {
      throw new RunnerError(
        "KILN_RUNNER_NODE_NOT_IN_SOURCE",
        `Worker threads cannot find ${quoteList(absent)} in the pipeline loaded from ${this.source.module}.`,
        {
          hint: "ParallelRunner's `source` must build the same pipeline (or a superset) as the one being run.",
        },
      );
    }
  }

  protected override async withExecutor<T>(
    pipeline: Pipeline,
    _catalog: DataCatalog,
    body: (execute: ExecuteNode) => Promise<T>,
  ): Promise<T> {
    const size = Math.min(this.maxWorkers, Math.max(1, maxLayerWidth(pipeline)));
    const codecs = await this.#loadCodecs();
    const pool = await WorkerPool.start(size, {
      source: this.source!,
      transfer: this.transfer,
      codecs: [...this.threadCodecs],
    });
    const execute: ExecuteNode = async (node, inputs) => {
      const sent: Record<string, unknown> = {};
      const encoded: string[] = [];
      // Codec buffers are made for the trip: they always move. The node's other inputs are copied,
      // since the main thread may still hold them (memory datasets, other readers).
      const transfer = new Set<ArrayBuffer>();
      for (const [name, value] of Object.entries(inputs)) {
        const out = await codecStep(() => codecs.encode(value, transfer), "Input", name, node.name);
        if (out.changed) encoded.push(name);
        const why = whyNotCloneable(out.value);
        if (why) {
          throw new RunnerError(
            "KILN_RUNNER_NOT_THREAD_SAFE",
            `Input "${name}" of node "${node.name}" cannot be sent to a worker thread: ${why}.`,
            { hint: NOT_SENDABLE_HINT },
          );
        }
        sent[name] = out.value;
      }
      const result = await pool.run(node.name, sent, { transfer: [...transfer], encoded });
      const outputs = result.outputs;
      for (const name of result.encoded) {
        outputs[name] = await codecStep(() => codecs.decode(outputs[name]), "Output", name, node.name);
      }
      return outputs;
    };
    try {
      return await body(execute);
    } finally {
      await pool.close();
    }
  }

  protected runNodes(
    pipeline: Pipeline,
    runNode: (node: Node) => Promise<void>,
    done: Set<Node>,
  ): Promise<void> {
    return runInDependencyOrder(pipeline, this.maxWorkers, runNode, done);
  }
}

function maxLayerWidth(pipeline: Pipeline): number {
  return pipeline.layers().reduce((max, layer) => Math.max(max, layer.length), 0);
}
