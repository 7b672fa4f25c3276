import { type Job, UnrecoverableError } from "bullmq";
import type { Redis } from "ioredis";
import {
  type DataCatalog,
  type HookManager,
  type Logger,
  MemoryDataset,
  type Node,
  NodeFunctionFailure,
  Pipeline,
  type PipelineHookContext,
  quoteList,
  type RunParams,
  runNodeTask,
  type TaskEnv,
} from "kiln";
import { DistributedError } from "../errors.js";
import {
  cancelledKey,
  dataKey,
  type NodeReport,
  type NodesJobData,
  type NodesJobResult,
  serializeError,
  workerName,
} from "../protocol.js";
import { RedisDataset } from "../redis/redis-dataset.js";
import type { RunContexts } from "./run-contexts.js";

/** What a worker brings to each job. */
export interface NodesJobEnv {
  queue: string;
  redis: Redis;
  runs: RunContexts;
  logger: Logger;
  /** Whether the run was cancelled (Ctrl-C on its `kiln run`): its jobs are skipped. */
  cancelled(runId: string): Promise<boolean>;
}

/**
 * Asks Redis whether a run was cancelled at most once a second per run: a run of thousands of small
 * jobs would otherwise pay a round trip per job for an answer that is almost always no.
 */
export function cancelChecker(redis: Redis, queue: string): (runId: string) => Promise<boolean> {
  const asked = new Map<string, { at: number; answer: Promise<boolean> }>();
  return (runId) => {
    const now = Date.now();
    const last = asked.get(runId);
    if (last && now - last.at < 1000) return last.answer;
    const answer = redis.exists(cancelledKey(queue, runId)).then((n) => n === 1);
    asked.set(runId, { at: now, answer });
    if (asked.size > 64) asked.delete(asked.keys().next().value as string);
    return answer;
  };
}

const inProcess = (node: Node, inputs: Readonly<Record<string, unknown>>) => node.run(inputs);

/**
 * Runs a job's nodes one after the other, as a runner runs a node: inputs loaded from the catalog,
 * node hooks, the function, outputs saved, dataset hooks. A group reports each node's start and end
 * (job progress); every failure is reported with the error before the job fails, so the coordinator
 * shows the worker's error, not BullMQ's summary of it.
 */
export async function runNodesJob(job: Job<NodesJobData>, env: NodesJobEnv): Promise<NodesJobResult> {
  const { run, nodes: names } = job.data;
  const worker = workerName();
  const report = (r: NodeReport) => job.updateProgress(r as unknown as object);
  const attempts = job.opts.attempts ?? 1;
  const reportFailure = async (node: string, error: unknown, inFunction: boolean) => {
    await report({
      event: "node_failed",
      node,
      worker,
      error: serializeError(error),
      inFunction,
      attempt: job.attemptsMade + 1,
      attempts,
    });
    env.logger.error(
      `Node "${node}" of run ${run.runId} failed (attempt ${job.attemptsMade + 1} of ${attempts}): ${error instanceof Error ? error.message : String(error)}`,
      { event: "node_failed", node, runId: run.runId },
    );
  };
  if (await env.cancelled(run.runId)) throw new UnrecoverableError(`run ${run.runId} was cancelled`);
  let setup: Awaited<ReturnType<typeof prepare>>;
  try {
    setup = await prepare(job.data, env, worker);
  } catch (error) {
    // Opening the project failed (config, catalog, code): the coordinator shows this error for the first node.
    if (!(error instanceof UnrecoverableError)) await reportFailure(names[0]!, error, false);
    throw error;
  }
  const { catalog, nodes, hooks, part } = setup;
  const task: TaskEnv = {
    catalog,
    hooks,
    runId: run.runId,
    isAsync: false,
    execute: inProcess,
    onSaved: () => {},
  };
  const group = nodes.length > 1;
  const done: NodesJobResult["nodes"] = [];
  for (const node of nodes) {
    if (group) await report({ event: "node_started", node: node.name, worker });
    const t0 = performance.now();
    try {
      await runNodeTask(node, task);
    } catch (error) {
      const inFunction = error instanceof NodeFunctionFailure;
      const cause = inFunction ? error.error : error;
      const failure = cause instanceof Error ? cause : new Error(String(cause));
      await reportFailure(node.name, cause, inFunction);
      await hooks.call("afterRunPart", { ...part, error: failure });
      throw failure;
    }
    const durationMs = performance.now() - t0;
    done.push({ node: node.name, durationMs });
    if (group) await report({ event: "node_completed", node: node.name, durationMs });
    env.logger.info(`Completed ${node.name} of run ${run.runId} (${durationMs.toFixed(1)} ms)`, {
      event: "node_completed",
      node: node.name,
      runId: run.runId,
      durationMs,
    });
  }
  await hooks.call("afterRunPart", part);
  return { worker, nodes: done };
}

/** The job's nodes and a catalog for them: the run's, plus Redis-kept and in-job memory datasets. */
async function prepare(
  data: NodesJobData,
  env: NodesJobEnv,
  worker: string,
): Promise<{ catalog: DataCatalog; nodes: Node[]; hooks: HookManager; part: PipelineHookContext }> {
  const { run, nodes: names } = data;
  const context = await env.runs.get(run);
  if (run.project && context.session.project.name !== run.project) {
    throw new UnrecoverableError(
      new DistributedError(
        "KILN_DISTRIBUTED_WRONG_PROJECT",
        `This worker serves project "${context.session.project.name}", and run ${run.runId} is of project "${run.project}".`,
        {
          hint: "Give each project its own queue: --runner-params queue=NAME for kiln run, --queue NAME for kiln worker.",
        },
      ).toDisplayString(),
    );
  }
  const missing = names.filter((n) => !context.nodes.has(n));
  if (missing.length > 0) {
    throw new DistributedError(
      "KILN_DISTRIBUTED_UNKNOWN_NODE",
      `The project on worker ${worker} has no node ${quoteList(missing)}.`,
      {
        hint: "Every worker needs the same version of the project as the machine that starts the run: deploy it, then restart the workers.",
      },
    );
  }
  const nodes = names.map((n) => context.nodes.get(n)!);
  const catalog = context.catalog.shallowCopy();
  // Datasets from factories are built now, as every runner does before a run: hooks that look at the
  // catalog (tracking binds its datasets to the run in beforeRunPart) see them.
  catalog.resolveAll(nodes.flatMap((n) => [...n.inputs, ...n.outputs, ...n.confirms]));
  for (const name of data.redisDatasets)
    catalog.add(
      name,
      new RedisDataset(env.redis, dataKey(env.queue, run.runId, name), name, data.memoryLimit),
      {
        replace: true,
      },
    );
  // Data between the nodes of one group stays in this process, as it would with any runner.
  for (const node of nodes)
    for (const ds of [...node.inputs, ...node.outputs])
      if (!catalog.has(ds)) catalog.add(ds, new MemoryDataset());
  const hooks = context.session.hooks;
  // This process takes part in a run started elsewhere: plugins (tracking) attach to it here.
  const runParams: RunParams = {
    ...run.runParams,
    runId: run.runId,
    runner: String(run.runParams.runner ?? "DistributedRunner"),
    projectPath: context.session.project.root,
    env: context.session.env,
    worker,
  };
  const part: PipelineHookContext = { runParams, pipeline: new Pipeline(nodes), catalog };
  await hooks.call("beforeRunPart", part);
  return { catalog, nodes, hooks, part };
}
