import { randomUUID } from "node:crypto";
import { type DataCatalog, MemoryDataset } from "../catalog/index.js";
import { KilnError, NodeError, RunnerError } from "../errors/index.js";
import { HookManager, type RunParams } from "../hooks/index.js";
import { getDefaultLogger, type Logger } from "../logging/index.js";
import { type Node, Pipeline, TRANSCODING_SEPARATOR } from "../pipeline/index.js";
import { didYouMean, quoteList } from "../utils/index.js";
import { nodesWithMissingOutputs } from "./missing-outputs.js";
import { type ExecuteNode, NodeFunctionFailure, runNodeTask, type TaskEnv } from "./node-task.js";
import { resumeMessage } from "./resume.js";
import type { Runner, RunOptions, RunResult } from "./runner.js";

/** Options every runner takes. */
export interface RunnerOptions {
  /** Defaults to the process-wide logger. */
  logger?: Logger;
}

/** A failed run: which node failed, with what inputs, and where to resume. */
export class NodeRunError extends NodeError {
  constructor(
    message: string,
    readonly nodeName: string,
    readonly inputs: readonly string[],
    readonly resumeFromNodes: readonly string[],
    options: { hint: string; cause: unknown },
  ) {
    super("KILN_NODE_FAILED", message, options);
  }
}

const inProcess: ExecuteNode = (node, inputs) => node.run(inputs);

/**
 * What all runners share: checking the catalog (and building every factory dataset), memory
 * datasets for undeclared outputs, hooks, releasing data after its last reader,
 * `onlyMissingOutputs`, and the resume suggestion on failure. Subclasses decide how many nodes are
 * in flight and where functions execute.
 */
export abstract class BaseRunner implements Runner {
  abstract readonly name: string;
  /** True when the runner loads, runs and saves several nodes at once. */
  protected abstract readonly isAsync: boolean;
  protected readonly logger: Logger;

  constructor(options: RunnerOptions = {}) {
    this.logger = options.logger ?? getDefaultLogger();
  }

  /** Runs `runNode` for every node of `pipeline`, respecting dependencies; adds finished nodes to `done`. */
  protected abstract runNodes(
    pipeline: Pipeline,
    runNode: (node: Node) => Promise<void>,
    done: Set<Node>,
  ): Promise<void>;

  /** Checks a subclass needs before any node runs (the catalog already has every dataset). */
  protected validate(_pipeline: Pipeline, _catalog: DataCatalog): void | Promise<void> {}

  /**
   * One node's whole task: load its inputs, hooks, run it, save its outputs (`runNodeTask`). A runner
   * that runs whole tasks in another process or on another machine overrides it.
   */
  protected runTask(node: Node, env: TaskEnv): Promise<void> {
    return runNodeTask(node, env);
  }

  /** Provides the function executor for the length of `body` (ParallelRunner starts its workers here). */
  protected async withExecutor<T>(
    _pipeline: Pipeline,
    _catalog: DataCatalog,
    body: (execute: ExecuteNode) => Promise<T>,
  ): Promise<T> {
    return body(inProcess);
  }

  /**
   * Runs `pipeline` against `catalog` and returns the free outputs its nodes produced.
   * @throws RunnerError before any node runs when an input is missing, CatalogError when a dataset of
   * the pipeline cannot be built from its factory pattern; NodeRunError when a node fails.
   */
  async run(pipeline: Pipeline, catalog: DataCatalog, options: RunOptions = {}): Promise<RunResult> {
    const log = this.logger;
    const progress = options.onProgress;
    const hooks = options.hooks ?? new HookManager();
    const runId = options.runId ?? randomUUID();
    const runCatalog = catalog.shallowCopy();
    // Every dataset a factory provides is built now: a pattern whose entry the dataset refuses
    // stops the run before any node runs, not when the first node that uses it is reached.
    runCatalog.resolveAll([...pipeline.datasets(), ...pipeline.nodes.flatMap((n) => n.confirms)]);
    const runParams: RunParams = { ...options.runParams, runId, runner: this.name };
    if (options.pipelineName !== undefined) runParams.pipelineName = options.pipelineName;
    let toRun = pipeline;
    if (options.onlyMissingOutputs) {
      const nodes = await nodesWithMissingOutputs(pipeline, runCatalog);
      const skipped = pipeline.nodes.length - nodes.length;
      if (skipped > 0)
        log.info(`Skipping ${skipped} of ${pipeline.nodes.length} nodes: their persisted outputs exist.`);
      if (nodes.length === 0) {
        // Nothing to run, but still a run: plugins see it start and end (Kedro's session fires both too).
        const emptyCtx = { runParams, pipeline: new Pipeline([]), catalog: runCatalog };
        await hooks.call("beforePipelineRun", emptyCtx);
        await hooks.call("afterPipelineRun", { ...emptyCtx, runResult: {} });
        return {};
      }
      toRun = new Pipeline(nodes);
    }
    checkInputs(toRun, runCatalog);
    for (const ds of toRun.datasets()) if (!runCatalog.has(ds)) runCatalog.add(ds, new MemoryDataset());
    await this.validate(toRun, runCatalog);

    const hookCtx = { runParams, pipeline: toRun, catalog: runCatalog };
    await hooks.call("beforePipelineRun", hookCtx);

    const result: RunResult = {};
    const freeOutputs = new Set(toRun.outputs());
    const keepFreeInputs = new Set(toRun.inputs().filter((ds) => runCatalog.get(ds).ephemeral === true));
    const readersLeft = new Map<string, number>();
    for (const n of toRun.nodes) for (const i of n.inputs) readersLeft.set(i, (readersLeft.get(i) ?? 0) + 1);
    const total = toRun.nodes.length;
    let completed = 0;
    const done = new Set<Node>();
    const started = performance.now();
    const runNode = (execute: ExecuteNode) => {
      const env: TaskEnv = {
        catalog: runCatalog,
        hooks,
        runId,
        isAsync: this.isAsync,
        execute,
        onSaved: (name, data) => {
          if (freeOutputs.has(name)) result[name] = data;
        },
      };
      return async (node: Node) => {
        const t0 = performance.now();
        progress?.({ event: "node_started", node: node.name });
        try {
          await this.runTask(node, env);
          for (const input of node.inputs) {
            const left = readersLeft.get(input)! - 1;
            readersLeft.set(input, left);
            // Data given to the run in memory stays; intermediate data goes as soon as nobody needs it.
            if (left === 0 && !freeOutputs.has(input) && !keepFreeInputs.has(input))
              await runCatalog.release(input);
          }
        } catch (error) {
          // A failed release is reported as the node's: it names the dataset, and the resume hint follows.
          progress?.({ event: "node_failed", node: node.name, durationMs: performance.now() - t0 });
          throw new NodeFailure(node, error);
        }
        completed++;
        const ms = performance.now() - t0;
        progress?.({ event: "node_completed", node: node.name, durationMs: ms, completed, total });
        if (log.isEnabled("info")) {
          log.info(`Completed ${completed} of ${total} nodes: ${node.name} (${formatMs(ms)})`, {
            event: "node_completed",
            node: node.name,
            durationMs: ms,
            completed,
            total,
          });
        }
      };
    };

    progress?.({ event: "pipeline_started", total });
    try {
      await this.withExecutor(toRun, runCatalog, (execute) => this.runNodes(toRun, runNode(execute), done));
    } catch (error) {
      const failure = this.describeFailure(error, toRun, done, runCatalog, options.command);
      await hooks.call("onPipelineError", { ...hookCtx, error: failure });
      throw failure;
    }
    log.info(`Pipeline completed: ${total} nodes in ${formatMs(performance.now() - started)}.`, {
      event: "pipeline_completed",
      total,
    });
    await hooks.call("afterPipelineRun", { ...hookCtx, runResult: result });
    return result;
  }

  private describeFailure(
    error: unknown,
    pipeline: Pipeline,
    done: Set<Node>,
    catalog: DataCatalog,
    command: string | undefined,
  ): Error {
    if (!(error instanceof NodeFailure)) return error instanceof Error ? error : new Error(String(error));
    const { node } = error;
    const cause = error.cause instanceof NodeFunctionFailure ? error.cause.error : error.cause;
    const reason =
      cause instanceof KilnError
        ? cause.message
        : cause instanceof Error
          ? `${cause.name}: ${cause.message}`
          : String(cause);
    const stage = error.cause instanceof NodeFunctionFailure ? "" : " (outside its function)";
    const resume = resumeMessage({ pipeline, done, catalog, command });
    const inputs = node.inputs.length > 0 ? `\n  inputs: ${quoteList(node.inputs)}` : "";
    const message = `Node "${node.name}" (function ${node.funcName}) failed${stage}: ${reason}${inputs}`;
    this.logger.error(message, { event: "node_failed", node: node.name });
    this.logger.warn(resume.message, { event: "resume_suggestion", fromNodes: resume.fromNodes });
    const hint = [cause instanceof KilnError ? cause.hint : undefined, resume.message]
      .filter(Boolean)
      .join("\n");
    return new NodeRunError(message, node.name, node.inputs, resume.fromNodes, { hint, cause });
  }
}

/** Carries the failing node up to the runner; never escapes `run()`. */
class NodeFailure extends Error {
  constructor(
    readonly node: Node,
    override readonly cause: unknown,
  ) {
    super(`node ${node.name} failed`);
  }
}

function checkInputs(pipeline: Pipeline, catalog: DataCatalog): void {
  const missing = pipeline.inputs().filter((ds) => !catalog.has(ds));
  if (missing.length > 0) {
    const near = missing.map((m) => didYouMean(m, catalog.list())).filter(Boolean);
    throw new RunnerError(
      "KILN_RUNNER_MISSING_INPUTS",
      `The pipeline reads ${quoteList(missing)}, which no node produces and the catalog does not have.`,
      {
        hint: [
          ...near,
          catalog.listPatterns().length > 0
            ? `No dataset factory matched (tried ${quoteList(catalog.listPatterns().map((p) => p.pattern))}).`
            : "",
          near.length > 0 ? "" : "Add them to the catalog (or, for parameters, to parameters.yml).",
        ]
          .filter(Boolean)
          .join(" "),
      },
    );
  }
  const transcoded = pipeline
    .datasets()
    .filter((ds) => ds.includes(TRANSCODING_SEPARATOR) && !catalog.has(ds));
  if (transcoded.length > 0) {
    throw new RunnerError(
      "KILN_RUNNER_TRANSCODED_NOT_DECLARED",
      `${quoteList(transcoded)} ${transcoded.length === 1 ? "uses transcoding but is" : "use transcoding but are"} not declared in the catalog.`,
      {
        hint: "Transcoded datasets share one file in two formats: declare each `name@format` in the catalog with the same filepath.",
      },
    );
  }
  const unconfirmable = pipeline.nodes.flatMap((n) =>
    n.confirms
      .filter((ds) => !catalog.has(ds) || typeof catalog.get(ds).confirm !== "function")
      .map(
        (ds) =>
          `"${ds}" (node "${n.name}"${catalog.has(ds) ? ": it has no confirm()" : ": not in the catalog"})`,
      ),
  );
  if (unconfirmable.length > 0) {
    throw new RunnerError(
      "KILN_RUNNER_UNKNOWN_CONFIRMS",
      `Nodes confirm datasets that cannot be confirmed: ${unconfirmable.join(", ")}.`,
      { hint: "`confirms` names a catalog dataset that keeps a checkpoint (partitions.IncrementalDataset)." },
    );
  }
}

function formatMs(ms: number): string {
  return ms < 1
    ? `${(ms * 1000).toFixed(0)} µs`
    : ms < 1000
      ? `${ms.toFixed(1)} ms`
      : `${(ms / 1000).toFixed(2)} s`;
}
