// Kiln Viz end to end: the real `kiln viz` serving a copy of the spaceflights example (data
// generated, two runs recorded and tracked with different parameters), driven in Debian's Chromium
// by playwright-core. Screenshots are kept under test-results/viz/ (git-ignored).
import { type ChildProcess, spawn } from "node:child_process";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/chromium.js";
import { copySpaceflights, type SpaceflightsCopy } from "../support/spaceflights-copy.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const artifacts = join(repo, "test-results/viz");

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
};

let copy: SpaceflightsCopy;
let viz: ChildProcess;
let url: string;
let browser: Browser;
let stderr = "";

const R2 = "active_modelling_pipeline.r2_score";
const TEST_SIZE = "active_modelling_pipeline.model_options.test_size";

/** Starts `kiln viz` on a free port and resolves to the URL it prints. */
function startViz(cwd: string, ...args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [join(repo, "packages/kiln/bin/kiln.js"), "viz", "--port", "0", "--no-browser", ...args],
    {
      cwd,
      env: { ...process.env, KILN_ENV: "" },
    },
  );
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      const found = /serving (http:\/\/\S+)/.exec(out);
      if (found) resolve({ child, url: found[1]! });
    });
    child.on("exit", (code) => reject(new Error(`kiln viz exited with ${code}:\n${stderr}`)));
  });
}

async function open(path = ""): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
  page.on("pageerror", (error) => {
    throw error;
  });
  await page.goto(`${url}${path}`);
  await page.waitForSelector("html[data-viz-state=ready]");
  return page;
}

const ids = (page: Page) => page.$$eval("g.kv-node", (nodes) => nodes.map((n) => n.getAttribute("data-id")));

beforeAll(async () => {
  copy = await copySpaceflights({ generateData: true });
  const run = copy.kiln("run");
  expect(run.status, run.stderr).toBe(0);
  // A second tracked run with another split and seed, so the models' metrics differ.
  const other = copy.kiln(
    "run",
    "--params",
    `${TEST_SIZE}=0.3,active_modelling_pipeline.model_options.random_state=5`,
  );
  expect(other.status, other.stderr).toBe(0);
  ({ child: viz, url } = await startViz(copy.root, "--autoreload"));
  browser = await launchChromium();
  await mkdir(artifacts, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  if (viz?.pid && viz.exitCode === null) {
    const exited = new Promise((resolve) => viz.once("exit", resolve));
    viz.kill("SIGTERM");
    await exited;
  }
  await copy?.remove();
});

describe("kiln viz in Chromium", () => {
  it("draws the nodes, the collapsed namespaces and the data layers as ordered bands, with the last run's status", async () => {
    const page = await open();
    const drawn = await ids(page);
    for (const id of [
      "data:companies",
      "task:preprocess_companies_node",
      "data:model_input_table",
      "ns:active_modelling_pipeline",
      "ns:candidate_modelling_pipeline",
      "data:active_modelling_pipeline.regressor",
      "task:create_confusion_matrix",
    ])
      expect(drawn, id).toContain(id);
    expect(drawn).not.toContain("task:active_modelling_pipeline.train_model_node");
    const bands = await page.$$eval("[data-layer]", (b) => b.map((x) => x.getAttribute("data-layer")));
    expect(bands).toEqual(["raw", "intermediate", "primary", "models", "reporting"]);
    const raw = await page.$eval('[data-id="data:companies"]', (g) => g.getBoundingClientRect().x);
    const reporting = await page.$eval(
      '[data-id="data:price_band_confusion_matrix"]',
      (g) => g.getBoundingClientRect().x,
    );
    expect(raw).toBeLessThan(reporting); // left to right
    const status = await page.getAttribute('[data-id="task:preprocess_companies_node"]', "class");
    expect(status).toContain("kv-status-success");
    await page.screenshot({ path: join(artifacts, "spaceflights.png") });
    await page.close();
  });

  it("expands a namespace on click, collapses it from its frame, and expands all", async () => {
    const page = await open();
    await page.click('[data-id="ns:active_modelling_pipeline"]');
    await page.waitForSelector('[data-id="task:active_modelling_pipeline.train_model_node"]');
    expect(await ids(page)).not.toContain("ns:active_modelling_pipeline");
    expect(page.url()).toContain("expand=active_modelling_pipeline");
    await page.click('[data-namespace="active_modelling_pipeline"] text');
    await page.waitForSelector('[data-id="ns:active_modelling_pipeline"]');
    await page.getByRole("button", { name: "Expand all" }).click();
    await page.waitForSelector('[data-id="task:candidate_modelling_pipeline.split_data_node"]');
    expect(await ids(page)).toContain("task:active_modelling_pipeline.evaluate_model_node");
    await page.screenshot({ path: join(artifacts, "spaceflights-expanded.png") });
    await page.close();
  });

  it("opens a dataset's preview and a task's source in the details panel", async () => {
    const page = await open();
    await page.click('[data-id="data:companies"]');
    await page.waitForSelector(".kv-preview-table table");
    const headers = await page.$$eval(".kv-preview-table th", (th) =>
      th.map((h) => h.firstChild?.textContent),
    );
    expect(headers).toEqual([
      "id",
      "company_rating",
      "company_location",
      "total_fleet_count",
      "iata_approved",
    ]);
    expect(await page.$$eval(".kv-preview-table tbody tr", (rows) => rows.length)).toBe(10);
    await page.click('[data-id="task:preprocess_companies_node"]');
    await page.waitForSelector(".kv-source");
    expect(await page.textContent(".kv-source-file")).toBe("src/pipelines/data_processing/nodes.ts:12");
    expect(await page.textContent(".kv-source")).toContain(
      "function preprocessCompanies(companies: pl.DataFrame)",
    );
    expect(await page.textContent(".kv-details .kv-command code")).toBe(
      "kiln run --nodes preprocess_companies_node",
    );
    await page.close();
  });

  it("filters by tag and by element type", async () => {
    const page = await open();
    await page.getByLabel("Tag candidate_modelling_pipeline").check();
    await page.waitForFunction(`!document.querySelector('[data-id="task:preprocess_companies_node"]')`);
    const drawn = await ids(page);
    expect(drawn).toContain("ns:candidate_modelling_pipeline");
    expect(drawn).not.toContain("ns:active_modelling_pipeline");
    expect(drawn).toContain("data:model_input_table"); // its input stays
    expect(page.url()).toContain("tags=candidate_modelling_pipeline");
    await page.getByLabel("Tag candidate_modelling_pipeline").uncheck();
    await page.getByLabel("Datasets").uncheck();
    await page.waitForFunction(`!document.querySelector('[data-id="data:companies"]')`);
    expect((await ids(page)).every((id) => !id!.startsWith("data:"))).toBe(true);
    await page.close();
  });

  it("finds elements by name and lists the recorded runs", async () => {
    const page = await open();
    await page.getByLabel("Search by name").fill("REGRESSOR");
    const results = page.getByRole("list", { name: "Search results" }).getByRole("button");
    expect(await results.allTextContents()).toEqual([
      "active_modelling_pipeline.regressor",
      "candidate_modelling_pipeline.regressor",
    ]);
    // Inside a collapsed namespace, the namespace's box is lit; outside, the element itself.
    expect(await page.getAttribute('[data-id="ns:candidate_modelling_pipeline"]', "class")).toContain(
      "kv-highlighted",
    );
    await results.first().click();
    await page.waitForSelector(".kv-details");
    expect(await page.textContent(".kv-details h2")).toBe("active_modelling_pipeline.regressor");
    expect(page.url()).toContain("q=REGRESSOR");
    await page.getByRole("tab", { name: "Runs" }).click();
    const rows = await page.$$eval(".kv-runs tbody tr", (tr) => tr.map((r) => r.textContent));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain("success__default__");
    expect(rows[2]).toContain("data_generation");
    // spaceflights depends on @kiln/tracking, so the page offers its Experiments view.
    expect(await page.getByRole("tab", { name: "Experiments" }).count()).toBe(1);
    await page.close();
  });

  it("shows the tracked runs in the Experiments view: filter by a metric, compare two runs, open one", async () => {
    const listed = (await (await fetch(`${url}api/experiments/runs`)).json()) as {
      runs: Array<{ runId: string; metrics: Record<string, number> }>;
    };
    expect(listed.runs).toHaveLength(2);
    const scores = listed.runs.map((r) => r.metrics[R2]!);
    expect(scores[0]).not.toBe(scores[1]);
    const page = await open();
    await page.getByRole("tab", { name: "Experiments" }).click();
    await page.waitForSelector(".kv-xruns-table tbody tr");
    const rowIds = () =>
      page.$$eval(".kv-xruns-table tbody tr", (tr) => tr.map((r) => r.getAttribute("data-run")));
    expect(await rowIds()).toEqual(listed.runs.map((r) => r.runId));
    expect(page.url()).toContain("tab=experiments");
    expect(await page.$$eval(".kv-chart-point", (points) => points.length)).toBe(2);

    // Filter by a metric: only the better model stays.
    const filter = page.getByLabel("Filter runs");
    await filter.fill(`metrics.${R2} > ${Math.min(...scores)}`);
    await filter.press("Enter");
    const best = listed.runs[scores.indexOf(Math.max(...scores))]!.runId;
    await page.waitForFunction(`document.querySelectorAll(".kv-xruns-table tbody tr").length === 1`);
    expect(await rowIds()).toEqual([best]);
    expect(page.url()).toContain("filter=metrics.active_modelling_pipeline.r2_score");
    // A filter that does not parse says where, under the box.
    await filter.fill(`metrics.${R2} >> 1`);
    await filter.press("Enter");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("filter: expected a number or a quoted string");
    await page.getByRole("button", { name: "Clear" }).click();
    await page.waitForFunction(`document.querySelectorAll(".kv-xruns-table tbody tr").length === 2`);

    // Compare the two runs: the split they differ by is highlighted.
    for (const r of listed.runs) await page.check(`tr[data-run="${r.runId}"] input[type=checkbox]`);
    const differing = page.locator(`.kv-compare tr.kv-differs[data-key="${TEST_SIZE}"]`);
    await differing.waitFor();
    expect(await differing.locator("td").allTextContents()).toEqual(
      listed.runs.map((r) => (r.runId === listed.runs[0]!.runId ? "0.3" : "0.2")),
    );
    expect(await page.getAttribute(`.kv-compare tr[data-key="${R2}"]`, "class")).toContain("kv-differs");
    expect(page.url()).toContain("compare=");
    await page.screenshot({ path: join(artifacts, "experiments-compare.png") });

    // A run's details: its metrics, nodes and lineage; the link reopens the same view.
    await page.click(`tr[data-run="${best}"] .kv-link`);
    await page.waitForSelector(".kv-run-details h2");
    expect(await page.textContent(".kv-run-details")).toContain("preprocess_companies_node");
    const link = page.url();
    await page.close();
    const again = await open(link.slice(url.length));
    await again.waitForSelector(".kv-run-details h2");
    expect(await again.$$eval(".kv-compare tr.kv-differs", (rows) => rows.length)).toBeGreaterThan(0);
    await again.screenshot({ path: join(artifacts, "experiments-run.png") });
    await again.close();
  });

  it("shows the slice between two selected elements and the command that runs it", async () => {
    const page = await open();
    await page.click('[data-id="data:companies"]');
    await page.click('[data-id="data:model_input_table"]', { modifiers: ["Shift"] });
    await page.waitForSelector(".kv-slice code");
    expect(await page.textContent(".kv-slice code")).toBe(
      "kiln run --from-inputs companies --to-outputs model_input_table",
    );
    expect(await page.getAttribute('[data-id="task:preprocess_companies_node"]', "class")).toContain(
      "kv-highlighted",
    );
    expect(await page.getAttribute('[data-id="data:shuttles"]', "class")).toContain("kv-dimmed");
    await page.close();
  });

  it("exports the graph as SVG and PNG", async () => {
    const page = await open();
    const [svg] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export SVG" }).click(),
    ]);
    expect(svg.suggestedFilename()).toBe("spaceflights-__default__.svg");
    const text = await readFile((await svg.path())!, "utf8");
    expect(text.startsWith("<svg")).toBe(true);
    expect(text).toContain(">preprocess_companies_node<");
    const [png] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export PNG" }).click(),
    ]);
    const bytes = await readFile((await png.path())!);
    expect(bytes.subarray(1, 4).toString()).toBe("PNG");
    await page.close();
  });

  it("reopens the same view from a link, top-down and in the dark theme", async () => {
    const page = await open("?dir=TB&expand=all&sel=data:companies&pipeline=__default__");
    await page.waitForSelector(".kv-preview-table");
    const top = await page.$eval('[data-id="data:companies"]', (g) => g.getBoundingClientRect().y);
    const bottom = await page.$eval(
      '[data-id="data:price_band_confusion_matrix"]',
      (g) => g.getBoundingClientRect().y,
    );
    expect(top).toBeLessThan(bottom);
    await page.getByRole("button", { name: "Dark" }).click();
    expect(await page.getAttribute("html", "data-theme")).toBe("dark");
    await page.screenshot({ path: join(artifacts, "spaceflights-dark-top-down.png") });
    await page.close();
  });

  it("switches pipelines", async () => {
    const page = await open();
    await page.getByLabel("Pipeline", { exact: true }).selectOption("data_generation");
    await page.waitForFunction(`!document.querySelector('[data-id="ns:active_modelling_pipeline"]')`);
    expect(page.url()).toContain("pipeline=data_generation");
    expect((await ids(page)).length).toBeGreaterThan(0);
    await page.close();
  });

  it("reloads an open page when the project's config changes (--autoreload)", async () => {
    const page = await open();
    const catalog = join(copy.root, "conf/base/catalog.yml");
    const original = await readFile(catalog, "utf8");
    try {
      await writeFile(catalog, original.replace("kiln: { layer: raw }", "kiln: { layer: landing }"));
      await page.waitForSelector('[data-layer="landing"]', { timeout: 30_000 });
    } finally {
      await writeFile(catalog, original);
    }
    await page.close();
  });
});

describe("kiln viz build", () => {
  let site: string;
  let server: Server;

  beforeAll(async () => {
    site = join(await mkdtemp(join(tmpdir(), "kiln-viz-site-")), "site");
    const built = copy.kiln("viz", "build", "--output", site);
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toMatch(/Wrote the viz to .* \(\d+ API files\)/);
    // Any static file server will do; this one is a few lines.
    server = createServer((req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url!, "http://x").pathname)).replace(/^\/+/, "");
      const file = join(site, path || "index.html");
      if (!file.startsWith(site) || !existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (site) await rm(join(site, ".."), { recursive: true, force: true });
  });

  it("writes a static site that draws the same page from JSON files, previews left out", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
    await page.waitForSelector("html[data-viz-state=ready]");
    expect(await ids(page)).toContain("task:preprocess_companies_node");
    await page.click('[data-id="data:companies"]');
    await page.waitForSelector(".kv-details dd.kv-break");
    expect(await page.textContent(".kv-details dd.kv-break")).toBe("data/01_raw/companies.csv");
    expect(await page.$(".kv-preview-table")).toBeNull();
    // The tracked runs are there too, unfiltered (filters need the server).
    await page.getByRole("tab", { name: "Experiments" }).click();
    await page.waitForSelector(".kv-xruns-table tbody tr");
    expect(await page.$$eval(".kv-xruns-table tbody tr", (tr) => tr.length)).toBe(2);
    expect(await page.getByLabel("Filter runs").isDisabled()).toBe(true);
    await page.check(".kv-xruns-table tbody tr:nth-child(1) input[type=checkbox]");
    await page.check(".kv-xruns-table tbody tr:nth-child(2) input[type=checkbox]");
    await page.waitForSelector(`.kv-compare tr.kv-differs[data-key="${TEST_SIZE}"]`);
    await page.close();
  });

  it("refuses to write into a folder it did not make", async () => {
    const other = await mkdtemp(join(tmpdir(), "kiln-viz-other-"));
    try {
      await writeFile(join(other, "keep.txt"), "mine");
      const refused = copy.kiln("viz", "build", "--output", other);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain("Error KILN_VIZ_OUTPUT_NOT_EMPTY:");
      expect(await readFile(join(other, "keep.txt"), "utf8")).toBe("mine");
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
