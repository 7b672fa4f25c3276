import type { RunOptions } from "kiln";
import type { RunSpec } from "../protocol.js";

/**
 * What workers need to open a run as the coordinator did, from the session's `runParams` (env,
 * project, runtime params, conf source, load versions) — and those `runParams` themselves, as JSON,
 * for the workers' `beforeRunPart`.
 */
export function runSpec(runId: string, options: RunOptions, runner: string): RunSpec {
  const params = options.runParams ?? {};
  return {
    runId,
    project: String(params.project ?? ""),
    env: String(params.env ?? ""),
    runtimeParams: (params.runtimeParams as Record<string, unknown> | undefined) ?? {},
    ...(typeof params.confSource === "string" ? { confSource: params.confSource } : {}),
    ...(params.loadVersions ? { loadVersions: params.loadVersions as Record<string, string> } : {}),
    runParams: JSON.parse(
      JSON.stringify({ ...params, runId, runner, pipelineName: options.pipelineName }),
    ) as Record<string, unknown>,
  };
}
