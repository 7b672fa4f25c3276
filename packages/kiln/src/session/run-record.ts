import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname, isAbsolute, relative } from "node:path";

/** What the session store keeps of one run: tracking and the viz read these. Fields: docs/runs.md. */
export interface RunRecord {
  /** The run's save version (`2026-11-23T12.51.11.123Z`): versioned outputs are saved under it. */
  runId: string;
  project: string;
  /** The pipeline run, or several joined by commas (`--pipelines`). */
  pipeline: string;
  env: string;
  status: "success" | "failed";
  /** ISO 8601 times. */
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Null outside git or before the first commit; `dirty` when tracked files changed or untracked ones exist. */
  git: { commit: string; dirty: boolean } | null;
  command: string | null;
  /** The run options (`SessionRunOptions`: pipeline, filters, runner, …) as given. */
  options: Record<string, unknown>;
  /** `--params` as given to the session (never credentials: those are not parameters). */
  runtimeParams: Record<string, unknown>;
  /** The conf folder or archive config was read from, relative to the project when inside it. */
  confSource: string;
  /** Nodes in the order they started; `durationMs` covers load, run and save, as the log line's does. */
  nodes: Array<{ name: string; status: "success" | "failed"; durationMs: number }>;
  /** Persisted datasets this run saved: where, and which version. */
  saved: Array<{ dataset: string; filepath: string; version: string | null }>;
  error: { code: string | null; message: string } | null;
}

/** An absolute path as a record keeps it: relative to the project when inside it, else as it is. */
export function pathForRecord(projectRoot: string, path: string): string {
  const inside = relative(projectRoot, path);
  return inside && !inside.startsWith("..") && !isAbsolute(inside) ? inside : path;
}

/** Appends one run to a JSON-lines file (one object per line, so concurrent runs never interleave a line). */
export async function appendRunRecord(file: string, record: RunRecord): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(record)}\n`);
}

/** Every run recorded in `file`, oldest first; [] when there is none. Broken lines are skipped. */
export async function readRunRecords(file: string): Promise<RunRecord[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return [];
  }
  const records: RunRecord[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as RunRecord);
    } catch {
      // A line cut by a crash: the others are still good.
    }
  }
  return records;
}
