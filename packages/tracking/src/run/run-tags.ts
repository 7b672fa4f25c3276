import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { hostname, userInfo } from "node:os";
import { gitInfo, type RunParams } from "kiln";

/** The user running Kiln: `$USER`/`$USERNAME`, else the account's name; null when neither is known. */
export function currentUser(): string | null {
  const fromEnv = process.env.USER || process.env.USERNAME;
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return null; // no passwd entry (some containers)
  }
}

let version: string | undefined;

/** The installed kiln's version (from the kiln package this package resolves). */
export function kilnVersion(): string {
  if (version === undefined) {
    try {
      const manifest = createRequire(import.meta.url).resolve("kiln/package.json");
      version = (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
    } catch {
      version = "unknown";
    }
  }
  return version;
}

/**
 * The tags every tracked run gets: where the code was (git commit and whether the work tree had
 * changes), what ran (pipeline, full command, runner, environment) and who ran it with which Kiln.
 */
export async function runTags(runParams: RunParams, projectRoot: string): Promise<Array<[string, string]>> {
  const git = await gitInfo(projectRoot).catch(() => undefined);
  const tags: Array<[string, string]> = [
    ["kiln.pipeline", String(runParams.pipelineName ?? "__default__")],
    ["kiln.runner", String(runParams.runner)],
    ["kiln.env", String(runParams.env ?? "")],
    ["kiln.version", kilnVersion()],
    ["kiln.host", hostname()],
    ["kiln.session_run_id", runParams.runId],
  ];
  if (typeof runParams.project === "string") tags.push(["kiln.project", runParams.project]);
  if (typeof runParams.command === "string") tags.push(["kiln.command", runParams.command]);
  const user = currentUser();
  if (user) tags.push(["kiln.user", user]);
  if (git) tags.push(["kiln.git.commit", git.commit], ["kiln.git.dirty", String(git.dirty)]);
  return tags;
}
