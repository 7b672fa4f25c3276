// The serving benchmark's spaceflights model, packaged the way users get it: a throwaway copy of
// examples/spaceflights (node_modules linked to the repository's) runs `kiln run --pipeline
// data_generation`, then `kiln run`, which trains, packages and registers the model.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../..", import.meta.url));

/** Packages the model; returns its folder, the project's, and `remove()`, which deletes the copy. Needs the build. */
export function packageSpaceflights() {
  const dir = mkdtempSync(join(tmpdir(), "kiln-bench-spaceflights-"));
  const example = join(repo, "examples/spaceflights");
  for (const part of ["conf", "src", "package.json"]) {
    cpSync(join(example, part), join(dir, part), { recursive: true });
  }
  symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"));
  const kiln = (...argv) => {
    const run = spawnSync(process.execPath, [join(repo, "packages/kiln/bin/kiln.js"), ...argv], {
      cwd: dir,
      env: { ...process.env, KILN_ENV: "" },
      encoding: "utf8",
    });
    if (run.status !== 0) throw new Error(`kiln ${argv.join(" ")} failed in ${dir}:\n${run.stderr}`);
  };
  kiln("run", "--pipeline", "data_generation");
  kiln("run");
  const artifacts = join(dir, ".kiln/artifacts");
  const [experiment] = readdirSync(artifacts);
  const [run] = readdirSync(join(artifacts, experiment));
  return {
    modelPath: join(artifacts, experiment, run, "artifacts/model"),
    /** The copy of the project (where `kiln models serve` finds its plugins). */
    projectPath: dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
