import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { apiPaths, fileKey } from "../api/static-paths.js";
import { VizProject } from "../api/viz-project.js";
import { VizError } from "../errors.js";
import { appFolder } from "./static-files.js";

/** Options of {@link buildStaticSite}; the flags of `kiln viz build`. */
export interface StaticSiteOptions {
  /** The folder to write (created; must be empty or an earlier build). */
  output: string;
  projectPath?: string;
  env?: string;
  /** The pipeline the page opens on (default `__default__`). */
  pipeline?: string;
  /** Write dataset previews too (default false: data stays out of a site that may be shared). */
  includePreviews?: boolean;
}

/** What {@link buildStaticSite} wrote. */
export interface StaticSiteResult {
  output: string;
  /** How many API answers were written as files. */
  files: number;
}

/** Runs a static site keeps per experiment, newest first (a site is not a store). */
export const STATIC_RUNS_PER_EXPERIMENT = 500;

/**
 * The Experiments view's answers as files: the experiments, each one's newest runs (unfiltered: the
 * page sorts them, and filters need the server) and each of those runs' details.
 */
async function writeExperiments(
  project: VizProject,
  write: (path: string, body: unknown) => Promise<void>,
): Promise<void> {
  const reader = await project.experiments();
  const experiments = await reader.experiments();
  const paths = apiPaths(true);
  await write(paths.experiments(), experiments);
  const names = new Set([reader.defaultExperiment, ...experiments.experiments.map((e) => e.name)]);
  for (const name of names) {
    const list = await reader.runs({
      ...(experiments.experiments.some((e) => e.name === name) ? { experiments: [name] } : {}),
      limit: STATIC_RUNS_PER_EXPERIMENT,
    });
    await write(paths.trackedRuns(name), { ...list, experiments: [name] });
    for (const run of list.runs) await write(paths.trackedRun(run.runId), await reader.run(run.runId));
  }
}

/** Marks a folder as written by `kiln viz build`, so a later build may replace it. */
const MARKER = ".kiln-viz";

/** Tells the page to read `api/*.json` files instead of asking a server. */
const STATIC_FLAG = "<script>window.__KILN_VIZ_STATIC__ = true;</script>";

/**
 * Writes the viz as a static site: the prebuilt app and every API answer as a JSON file (each
 * registered pipeline, each element's details, the runs), readable from any static file server.
 * @throws VizError `KILN_VIZ_OUTPUT_NOT_EMPTY` when `output` holds other files.
 */
export async function buildStaticSite(options: StaticSiteOptions): Promise<StaticSiteResult> {
  const output = resolve(options.output);
  const app = appFolder();
  if (existsSync(output)) {
    const entries = await readdir(output);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new VizError(
        "KILN_VIZ_OUTPUT_NOT_EMPTY",
        `${output} is not empty and was not made by kiln viz build.`,
        {
          hint: "Name a new or empty folder with --output, or remove this one first.",
        },
      );
    }
    await rm(output, { recursive: true, force: true });
  }
  const project = await VizProject.open({
    ...(options.projectPath ? { projectPath: options.projectPath } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  try {
    const pipeline = options.pipeline ?? "__default__";
    project.pipeline(pipeline);
    await cp(app, output, { recursive: true });
    await writeFile(
      join(output, MARKER),
      "Written by kiln viz build; the next build replaces this folder.\n",
    );
    const index = join(output, "index.html");
    const html = await readFile(index, "utf8");
    await writeFile(index, html.replace("<head>", `<head>${STATIC_FLAG}`));
    let files = 0;
    const write = async (path: string, body: unknown) => {
      const file = join(output, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(body));
      files++;
    };
    await write("api/main.json", project.graph(pipeline));
    const ids = new Set<string>();
    for (const name of project.pipelineNames) {
      const graph = project.graph(name);
      await write(`api/pipelines/${fileKey(name)}.json`, graph);
      for (const node of graph.nodes) ids.add(node.id);
    }
    // A few at a time: previews load data, and thousands of files need not be written at once.
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const details = await project.nodeDetails(id, {
          pipeline,
          preview: Boolean(options.includePreviews),
        });
        await write(`api/nodes/${fileKey(id)}.json`, details);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    await write("api/runs.json", await project.runs());
    if (project.tracking) await writeExperiments(project, write);
    return { output, files };
  } finally {
    await project.close();
  }
}
