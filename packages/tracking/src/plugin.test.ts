import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import plugin, { datasetTypes } from "./plugin.js";

const dist = new URL("../dist/plugin.js", import.meta.url).pathname;

// Records every module specifier the plugin's import resolves, in the loader hooks' thread.
const HOOKS = `
import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  appendFileSync(log, specifier + "\\n");
  return next(specifier, context);
}`;

describe("the plugin", () => {
  it("brings the tracking types under Kiln's and kedro-mlflow's names, the tracking config key and a command", () => {
    expect(plugin.name).toBe("@kiln/tracking");
    expect(plugin.datasets).toBe(datasetTypes);
    expect(datasetTypes["kedro_mlflow.io.metrics.MlflowMetricDataset"]).toBe(
      datasetTypes["tracking.MetricDataset"],
    );
    expect(datasetTypes["kedro_mlflow.io.artifacts.MlflowArtifactDataset"]).toBe(
      datasetTypes["tracking.ArtifactDataset"],
    );
    expect(plugin.configPatterns).toEqual({ tracking: ["tracking*", "tracking*/**", "**/tracking*"] });
    expect(plugin.commands).toHaveLength(2); // kiln tracking …, kiln models list | show | alias
  });

  it("loads no database driver, packaging or command code until a run or a command needs it (built package)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kiln-tracking-imports-"));
    try {
      const log = join(dir, "resolved.txt");
      const script = [
        'import { register } from "node:module";',
        `register("data:text/javascript,${encodeURIComponent(HOOKS)}", { data: { log: ${JSON.stringify(log)} } });`,
        `await import(${JSON.stringify(dist)});`,
      ].join("\n");
      const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const resolved = (await readFile(log, "utf8")).trim().split("\n");
      expect(resolved).toContain("./tracking-hooks.js"); // the hook saw the plugin's own imports
      expect(
        resolved.filter((s) =>
          /^(better-sqlite3|pg|esbuild|yaml)$|sqlite-driver|postgres-driver|cli\/(models-)?commands|packaging\//.test(
            s,
          ),
        ),
      ).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
