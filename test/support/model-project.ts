// A small project with a training/inference pair, for the model tests and benchmarks
// (test/support/pair-project): raw rows in a CSV, a node that makes the features (a Polars DataFrame,
// in memory), one that fits a "model" (JSON, versioned) and one that scores it (a tracking metric);
// the inference pipeline predicts from the model, the features and two parameters. The copy's
// node_modules are this repository's, linked.
import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const fixture = join(repo, "test/support/pair-project");

/** A project written to a temp folder; `kiln()` runs the real CLI (the build) in it. */
export interface PairProject {
  root: string;
  kiln(...args: string[]): { status: number | null; stdout: string; stderr: string };
  remove(): Promise<void>;
}

/** Copies the pair project to a temp folder; `extra` adds or replaces files (relative path → text). */
export async function writePairProject(extra: Record<string, string> = {}): Promise<PairProject> {
  const root = await mkdtemp(join(tmpdir(), "kiln-pair-"));
  await cp(fixture, root, { recursive: true });
  for (const [path, text] of Object.entries(extra)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await symlink(join(repo, "node_modules"), join(root, "node_modules"), "junction");
  const env = { ...process.env, KILN_ENV: "", KILN_MODEL_CACHE: join(root, ".model-cache") };
  return {
    root,
    kiln: (...args) =>
      spawnSync(process.execPath, [join(repo, "packages/kiln/bin/kiln.js"), ...args], {
        cwd: root,
        env,
        encoding: "utf8",
      }),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
