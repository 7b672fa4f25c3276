/**
 * The viz's Experiments view over a large tracking store: a generated project whose SQLite store
 * holds N tracked runs (12 params, 8 tags, 6 metrics each, one metric with 20 steps), then
 *  - the API answering on the running server: the default list (200 runs) with every run read from
 *    the store, then within seconds (the runs read are reused) a filter with an order-by and every
 *    run (limit 10,000); one run's details; a compare of two runs;
 *  - the page in headless Chromium: navigation to `?tab=experiments` until the table holds its
 *    200 rows.
 *   node bench/viz-experiments.mjs [--samples 5] [--runs 5000]
 * Prints one JSON line; run.mjs (`--only viz-experiments`) turns it into the BENCHMARKS table.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { openTrackingStore } from "../packages/tracking/dist/index.js";
import { SUMMARIES_TTL_MS, startVizServer } from "../packages/viz/dist/index.js";
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

/** Fills the project's store with `count` finished runs, a minute apart, with varied params and metrics. */
async function fillStore(root, experimentName, count) {
  const store = await openTrackingStore({ projectPath: root });
  try {
    const { experimentId } = await store.getOrCreateExperiment(experimentName);
    const start = Date.UTC(2026, 0, 1);
    for (let i = 0; i < count; i++) {
      const startTime = start + i * 60_000;
      const runId = new Date(startTime).toISOString().replaceAll(":", ".");
      const params = Array.from({ length: 12 }, (_, p) => [`model.p${p}`, String((i * (p + 3)) % (p + 5))]);
      const tags = Array.from({ length: 8 }, (_, t) => [`kiln.t${t}`, `value ${t}`]);
      await store.createRun({
        runId,
        experimentId,
        runName: "__default__",
        startTime,
        artifactUri: join(root, ".kiln/artifacts", runId),
        userId: "bench",
        params,
        tags,
      });
      const points = Array.from({ length: 6 }, (_, m) => ({
        key: `m${m}`,
        value: Math.sin(i * (m + 1)) * 0.5 + 0.5,
        step: 0,
        timestamp: startTime,
      }));
      for (let step = 1; step < 20; step++)
        points.push({ key: "loss", value: 1 / (step + (i % 7)), step, timestamp: startTime + step });
      await store.logMetrics(runId, points);
      await store.endRun(runId, {
        status: i % 50 === 0 ? "FAILED" : "FINISHED",
        endTime: startTime + 5_000 + (i % 13) * 100,
        errorCode: null,
        errorMessage: null,
        nodes: [],
        lineage: [],
        logs: [],
      });
    }
  } finally {
    await store.close();
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The median time of `url`; `cold`: each request after the server's cache of runs has expired. */
async function timed(samples, url, { cold = false, warm } = {}) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i <= samples; i++) {
    if (cold) await sleep(SUMMARIES_TTL_MS + 100);
    if (warm) await (await fetch(warm)).arrayBuffer(); // the runs read are reused for a few seconds
    const started = performance.now();
    const response = await fetch(url);
    const body = await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url}: ${response.status} ${Buffer.from(body).toString()}`);
    if (i > 0) times.push(performance.now() - started); // the first opens the store
    bytes = body.byteLength;
  }
  return { ms: median(times), bytes };
}

export async function benchVizExperiments({ samples = 5, runs = 5000, progress = () => {} } = {}) {
  const modules = new URL("../node_modules", import.meta.url).pathname;
  const work = mkdtempSync(join(tmpdir(), "kiln-viz-x-bench-"));
  const root = join(work, "project");
  generateVizProject(root, 10, modules);
  const pkgFile = join(root, "package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  pkg.dependencies["@kiln/tracking"] = "*";
  writeFileSync(pkgFile, JSON.stringify(pkg));
  const result = { runs, api: {}, page: {} };
  const fillStarted = performance.now();
  await fillStore(root, pkg.kiln.projectName, runs);
  progress(`viz-experiments: ${runs} runs stored in ${Math.round(performance.now() - fillStarted)} ms`);
  const server = await startVizServer({ projectPath: root, port: 0 });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const api = `${server.url}api/experiments`;
    const filter = new URLSearchParams({
      filter: "metrics.m0 > 0.5 and params.model.p1 = 2",
      order_by: "metrics.m1 DESC",
    });
    result.api.list = await timed(samples, `${api}/runs`, { cold: true });
    result.api.filtered = await timed(samples, `${api}/runs?${filter}`, { warm: `${api}/runs` });
    result.api.all = await timed(samples, `${api}/runs?limit=10000`, { warm: `${api}/runs` });
    const listed = await (await fetch(`${api}/runs?limit=2`)).json();
    const [a, b] = listed.runs.map((r) => r.runId);
    result.api.details = await timed(samples, `${api}/runs/${encodeURIComponent(a)}`);
    result.api.compare = await timed(samples, `${api}/compare?runs=${a},${b}`);
    progress(
      `viz-experiments API: list ${Math.round(result.api.list.ms)} ms, all ${Math.round(result.api.all.ms)} ms`,
    );
    const pages = [];
    for (let i = 0; i <= samples; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await sleep(SUMMARIES_TTL_MS + 100); // the page's request reads the store
      await page.goto(`${server.url}?tab=experiments`);
      await page.waitForFunction(
        `document.querySelectorAll(".kv-xruns-table tbody tr").length === 200`,
        null,
        {
          timeout: 120_000,
          polling: "raf",
        },
      );
      const at = await page.evaluate(() => performance.now());
      await context.close();
      if (i > 0) pages.push(at);
    }
    result.page.tableMs = median(pages);
  } finally {
    await browser.close();
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs();
  const result = await benchVizExperiments({
    samples: Number(args.samples ?? 5),
    runs: Number(args.runs ?? 5000),
    progress: (m) => process.stderr.write(`[bench] ${m}\n`),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
