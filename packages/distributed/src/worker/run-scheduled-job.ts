import type { Job } from "bullmq";
import { KilnSession, type Logger, parseRuntimeParams } from "kiln";
import type { ScheduledRunData } from "../protocol.js";

/** What a scheduled run returns to BullMQ (visible in the job's record). */
export interface ScheduledRunResult {
  runId: string | undefined;
  status: "success" | "failed" | undefined;
}

/** The `kiln run` command a scheduled run is equal to: recorded, and extended by the resume suggestion. */
export function equivalentCommand(data: ScheduledRunData, env: string | undefined): string {
  const parts = ["kiln", "run", "--pipeline", data.pipeline];
  if (env) parts.push("--env", env);
  if (data.params)
    parts.push("--params", /^[\w./:=,@-]+$/.test(data.params) ? data.params : JSON.stringify(data.params));
  return parts.join(" ");
}

/**
 * Runs the pipeline a schedule names, start to end, in this worker: a normal run (the project's
 * session and hooks, recorded in .kiln/runs.jsonl, tracked when tracking is installed).
 */
export async function runScheduledJob(
  job: Job<ScheduledRunData>,
  options: { projectPath: string; defaultEnv: string | undefined; logger: Logger },
): Promise<ScheduledRunResult> {
  const data = job.data;
  const env = data.env ?? options.defaultEnv;
  const session = await KilnSession.create({
    projectPath: options.projectPath,
    ...(env ? { env } : {}),
    ...(data.params ? { runtimeParams: parseRuntimeParams(data.params) } : {}),
    logger: options.logger,
  });
  options.logger.info(`Schedule "${data.schedule}": running pipeline ${data.pipeline} (job ${job.id}).`, {
    event: "scheduled_run_started",
    schedule: data.schedule,
  });
  try {
    await session.run({ pipeline: data.pipeline, command: equivalentCommand(data, env) });
    options.logger.info(`Schedule "${data.schedule}": run ${session.lastRun?.runId} succeeded.`);
  } finally {
    await session.close();
  }
  return { runId: session.lastRun?.runId, status: session.lastRun?.status };
}
