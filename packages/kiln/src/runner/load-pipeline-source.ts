import { RunnerError } from "../errors/index.js";
import { importModule } from "../utils/index.js";
import type { PipelineSource } from "./worker-protocol.js";

/** The parts of a pipeline a worker uses; duck-typed, since the worker may load its own copy of Kiln. */
export interface NodeLike {
  name: string;
  run(inputs: Record<string, unknown>): Promise<Record<string, unknown>>;
}

const isPipelineLike = (v: unknown): v is { nodes: readonly NodeLike[] } =>
  typeof v === "object" && v !== null && Array.isArray((v as { nodes?: unknown }).nodes);

/** Imports a {@link PipelineSource} and returns its nodes by name (also used to check the source up front). */
export async function loadPipelineSource(source: PipelineSource): Promise<Map<string, NodeLike>> {
  const where = `pipeline module ${source.module}`;
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(source.module, process.cwd());
  } catch (error) {
    throw new RunnerError(
      "KILN_RUNNER_PIPELINE_SOURCE",
      `Could not import the ${where}: ${(error as Error).message}`,
      {
        cause: error,
        hint: "ParallelRunner's `source.module` must be a path or file URL that worker threads can import.",
      },
    );
  }
  const exportName = source.export ?? "default";
  let value = mod[exportName];
  if (value === undefined) {
    throw new RunnerError("KILN_RUNNER_PIPELINE_SOURCE", `The ${where} has no export "${exportName}".`, {
      hint: `Its exports are: ${Object.keys(mod).join(", ") || "(none)"}. Set \`source.export\`.`,
    });
  }
  if (typeof value === "function") value = await (value as () => unknown)();
  if (!isPipelineLike(value) && source.name === "*" && value !== null && typeof value === "object") {
    // Every node of every pipeline in the record (a project's registry, whatever was selected).
    const all = new Map<string, NodeLike>();
    for (const p of Object.values(value)) if (isPipelineLike(p)) for (const n of p.nodes) all.set(n.name, n);
    return all;
  }
  if (!isPipelineLike(value)) {
    const name = source.name ?? "__default__";
    const named = (value as Record<string, unknown> | null)?.[name];
    if (!isPipelineLike(named)) {
      throw new RunnerError(
        "KILN_RUNNER_PIPELINE_SOURCE",
        `Export "${exportName}" of the ${where} is neither a pipeline nor a record holding pipeline "${name}".`,
        {
          hint: "Export a Pipeline, a function returning one, or a record of pipelines and set `source.name`.",
        },
      );
    }
    value = named;
  }
  return new Map((value as { nodes: readonly NodeLike[] }).nodes.map((n) => [n.name, n]));
}
