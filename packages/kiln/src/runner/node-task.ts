import type { DataCatalog } from "../catalog/index.js";
import type { HookManager } from "../hooks/index.js";
import type { Node } from "../pipeline/index.js";

/** Runs a node's function on loaded inputs; in process, or in a worker thread. */
export type ExecuteNode = (
  node: Node,
  inputs: Readonly<Record<string, unknown>>,
) => Promise<Record<string, unknown>>;

/** What a node task needs from its run. */
export interface TaskEnv {
  catalog: DataCatalog;
  hooks: HookManager;
  runId: string;
  isAsync: boolean;
  execute: ExecuteNode;
  /** Called with each output after it is saved (the run keeps free outputs to return them). */
  onSaved(name: string, data: unknown): void;
}

/** Marks an error as raised by the node's own function, not by loading, saving or a hook. */
export class NodeFunctionFailure {
  constructor(readonly error: unknown) {}
}

async function loadInputs(node: Node, env: TaskEnv): Promise<Record<string, unknown>> {
  const { catalog, hooks } = env;
  const inputs: Record<string, unknown> = {};
  const hooked = hooks.has("beforeDatasetLoaded") || hooks.has("afterDatasetLoaded");
  const loadOne = async (name: string) => {
    if (hooked) await hooks.call("beforeDatasetLoaded", { datasetName: name, node, runId: env.runId });
    const data = await catalog.load(name);
    if (hooked) await hooks.call("afterDatasetLoaded", { datasetName: name, data, node, runId: env.runId });
    inputs[name] = data;
  };
  if (env.isAsync && node.inputs.length > 1) await Promise.all(node.inputs.map(loadOne));
  else for (const name of node.inputs) await loadOne(name);
  return inputs;
}

async function saveOutputs(node: Node, outputs: Record<string, unknown>, env: TaskEnv): Promise<void> {
  const { catalog, hooks } = env;
  const hooked = hooks.has("beforeDatasetSaved") || hooks.has("afterDatasetSaved");
  const saveOne = async (name: string) => {
    const data = outputs[name];
    if (hooked) await hooks.call("beforeDatasetSaved", { datasetName: name, data, node, runId: env.runId });
    await catalog.save(name, data);
    if (hooked) await hooks.call("afterDatasetSaved", { datasetName: name, data, node, runId: env.runId });
    env.onSaved(name, data);
  };
  if (env.isAsync && node.outputs.length > 1) await Promise.all(node.outputs.map(saveOne));
  else for (const name of node.outputs) await saveOne(name);
}

/**
 * One node, start to end: load inputs (dataset hooks), `beforeNodeRun` (may replace inputs), run,
 * `onNodeError` or `afterNodeRun`, save outputs (dataset hooks). The same sequence for every runner,
 * so hooks see nodes run in worker threads exactly as in process.
 */
export async function runNodeTask(node: Node, env: TaskEnv): Promise<void> {
  const { hooks, catalog, runId, isAsync } = env;
  let inputs: Readonly<Record<string, unknown>> = await loadInputs(node, env);
  if (hooks.has("beforeNodeRun"))
    inputs = await hooks.beforeNodeRun({ node, catalog, inputs, isAsync, runId });
  let outputs: Record<string, unknown>;
  try {
    outputs = await env.execute(node, inputs);
  } catch (error) {
    if (hooks.has("onNodeError")) {
      const err = error instanceof Error ? error : new Error(String(error));
      await hooks.call("onNodeError", { error: err, node, catalog, inputs, isAsync, runId });
    }
    throw new NodeFunctionFailure(error);
  }
  if (hooks.has("afterNodeRun"))
    await hooks.call("afterNodeRun", { node, catalog, inputs, outputs, isAsync, runId });
  await saveOutputs(node, outputs, env);
  // Only now is the node's work kept: an incremental input moves its checkpoint past what it gave.
  for (const name of node.confirms) await catalog.confirm(name);
}
