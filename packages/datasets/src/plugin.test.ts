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
  it("registers the plot and image types with Kedro's names", () => {
    expect(plugin.datasets).toBe(datasetTypes);
    expect(datasetTypes["plots.VegaLiteDataset"].name).toBe("VegaLiteDataset");
    for (const name of [
      "images.ImageDataset",
      "pillow.ImageDataset",
      "matplotlib.MatplotlibWriter",
    ] as const) {
      expect(datasetTypes[name].name).toBe("ImageDataset");
    }
    expect(Object.keys(datasetTypes).some((n) => n.startsWith("plotly."))).toBe(false);
  });

  it("loads no renderer or image codec until a plot or image is used (built package)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kiln-plugin-imports-"));
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
      expect(resolved).toContain("./plots/vega-lite-dataset.js"); // the hook saw the plugin's own imports
      const heavy = resolved.filter((s) =>
        /^(vega|vega-lite|@resvg\/|pngjs|jpeg-js|dejavu-fonts-ttf)/.test(s),
      );
      expect(heavy).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
