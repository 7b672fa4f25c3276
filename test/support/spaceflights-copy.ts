// A throwaway copy of examples/spaceflights for tests that open it (the viz's API and its page):
// package.json, conf and src copied, node_modules linked to this repository's, @kiln/viz added to
// its dependencies so the plugin is found, and optionally its raw data generated.
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const example = join(repo, "examples/spaceflights");

/** A copy of the spaceflights project; `remove()` deletes it. */
export interface SpaceflightsCopy {
  root: string;
  /** Runs the real `kiln` CLI (the build) in the copy. */
  kiln(...args: string[]): { status: number | null; stdout: string; stderr: string };
  remove(): Promise<void>;
}

/** Copies the project; with `generateData`, runs its data_generation pipeline once (previews need data). */
export async function copySpaceflights(options: { generateData?: boolean } = {}): Promise<SpaceflightsCopy> {
  const root = await mkdtemp(join(tmpdir(), "kiln-viz-spaceflights-"));
  for (const part of ["conf", "src"]) await cp(join(example, part), join(root, part), { recursive: true });
  const pkg = JSON.parse(await readFile(join(example, "package.json"), "utf8"));
  pkg.dependencies["@kiln/viz"] = "*";
  await writeFile(join(root, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  await symlink(join(repo, "node_modules"), join(root, "node_modules"), "junction");
  const env = { ...process.env, KILN_ENV: "" };
  const copy: SpaceflightsCopy = {
    root,
    kiln: (...args) =>
      spawnSync(process.execPath, [join(repo, "packages/kiln/bin/kiln.js"), ...args], {
        cwd: root,
        env,
        encoding: "utf8",
      }),
    remove: () => rm(root, { recursive: true, force: true }),
  };
  if (options.generateData) {
    const run = copy.kiln("run", "--pipeline", "data_generation");
    if (run.status !== 0) throw new Error(`data_generation failed:\n${run.stderr}`);
  }
  return copy;
}

/**
 * Makes the copy's `__default__` a plain pipeline (its training part) instead of the
 * training/inference pair: for tests of other features that filter it node by node or wrap the
 * regressor, which a pair refuses (docs/models.md).
 */
export async function unpairSpaceflights(copy: SpaceflightsCopy): Promise<void> {
  const file = join(copy.root, "src/pipelines.ts");
  const text = await readFile(file, "utf8");
  const plain = text.replace(/__default__: pipelineML\(\{[^}]*\}\)/, "__default__: training");
  if (plain === text)
    throw new Error("src/pipelines.ts of spaceflights no longer declares its pair as expected");
  await writeFile(
    file,
    plain
      .replace(/^import \{ inferencePipeline \}.*\n/m, "")
      .replace(/^import \{ pipelineML \}.*\n/m, "")
      .replace(/^\s*const inference = inferencePipeline\(\);\n/m, ""),
  );
}
