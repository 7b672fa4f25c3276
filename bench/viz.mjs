/**
 * Kiln Viz benchmarks, in Debian's headless Chromium (playwright-core):
 *  - time from navigation to a fully laid-out graph, for generated 1,000- and 5,000-node pipelines
 *    drawn whole (`?expand=all`): the page marks itself ready once the layout is on screen;
 *  - `/api/main` for the 5,000-node project: the first answer's cost (graph built and encoded, done
 *    when the server starts) and an HTTP request to the running server.
 *   node bench/viz.mjs [--samples 5] [--sizes 1000,5000]
 * Prints one JSON line; run.mjs (`--only viz`) turns it into the BENCHMARKS tables.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startVizServer, VizProject } from "../packages/viz/dist/index.js";
import { median, parseArgs } from "./lib.mjs";
import { generateVizProject } from "./viz/generate-project.mjs";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export async function benchViz({ samples = 5, sizes = [1000, 5000], progress = () => {} } = {}) {
  const modules = new URL("../node_modules", import.meta.url).pathname;
  const work = mkdtempSync(join(tmpdir(), "kiln-viz-bench-"));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const result = { pages: {}, api: {} };
  try {
    for (const size of sizes) {
      const root = join(work, `p${size}`);
      generateVizProject(root, size, modules);
      const server = await startVizServer({ projectPath: root, port: 0 });
      try {
        const runs = [];
        for (let i = 0; i <= samples; i++) {
          const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
          const page = await context.newPage();
          await page.goto(`${server.url}?expand=all`);
          await page.waitForSelector("html[data-viz-state=ready]", { timeout: 120_000 });
          const timing = await page.evaluate(() => window.__kilnViz);
          await context.close();
          if (i > 0) runs.push(timing); // the first page warms Chromium's caches
          progress(`viz ${size} nodes: ready after ${Math.round(timing.readyAt)} ms`);
        }
        const med = (pick) => Math.round(median(runs.map(pick)));
        result.pages[size] = {
          elements: runs[0].nodes,
          edges: runs[0].edges,
          readyMs: med((r) => r.readyAt),
          layoutMs: med((r) => r.layoutMs),
          graphFetchedMs: med((r) => r.marks.graphFetched),
          layoutReceivedMs: med((r) => r.marks.layoutReceived),
        };
        if (size === Math.max(...sizes)) {
          const requests = [];
          for (let i = 0; i < 20; i++) {
            const started = performance.now();
            const response = await fetch(`${server.url}api/main`);
            await response.arrayBuffer();
            requests.push(performance.now() - started);
          }
          const cold = [];
          for (let i = 0; i < samples; i++) {
            const project = await VizProject.open({ projectPath: root });
            const started = performance.now();
            JSON.stringify(project.graph());
            cold.push(performance.now() - started);
            await project.close();
          }
          result.api = { size, requestMs: median(requests), firstAnswerMs: median(cold) };
        }
      } finally {
        await server.close();
      }
    }
  } finally {
    await browser.close();
    rmSync(work, { recursive: true, force: true });
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs();
  const result = await benchViz({
    samples: Number(args.samples ?? 5),
    sizes: (args.sizes ?? "1000,5000").split(",").map(Number),
    progress: (m) => process.stderr.write(`[bench] ${m}\n`),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
