import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";

/** What the session store keeps of one run: tracking and the viz read these. */
export interface RunRecord {
  runId: string;
  project: string;
  pipeline: string;
  env: string;
  status: "success" | "failed";
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  git: { commit: string; dirty: boolean } | null;
  command: string | null;
  options: Record<string, unknown>;
  nodes: Array<{ name: string; status: "success" | "failed"; durationMs: number }>;
  /** Persisted datasets this run saved: where, and which version. */
  saved: Array<{ dataset: string; filepath: string; version: string | null }>;
  error: { code: string | null; message: string } | null;
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
