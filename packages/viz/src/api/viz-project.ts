import { isAbsolute, relative, sep } from "node:path";
import {
  type BootstrappedProject,
  bootstrapProject,
  type DataCatalog,
  type Dataset,
  didYouMean,
  isParameter,
  KilnError,
  type Pipeline,
  RUNTIME_DEFAULT_PATTERN,
  readRunRecords,
} from "kiln";
import { VizError } from "../errors.js";
import { ExperimentsReader } from "./experiments/experiments-reader.js";
import { TRACKING_PACKAGE } from "./experiments/tracking-module.js";
import { FunctionLocator } from "./function-source.js";
import { buildGraph, type DatasetInfo, dataId, sortPipelines, taskId } from "./graph.js";
import type {
  DataDetails,
  GraphResponse,
  NodeDetails,
  ParameterValue,
  RunSummary,
  RunsResponse,
  TaskDetails,
} from "./types.js";

/** Options of {@link VizProject.open}. */
export interface VizProjectOptions {
  /** A folder inside the project (default: the working directory). */
  projectPath?: string;
  /** The config environment (default `KILN_ENV`, then `local`). */
  env?: string;
  /** Import the project's modules anew (after a change, for `--autoreload`). */
  reimport?: boolean;
}

/** How `/api/nodes/:id` is asked. */
export interface NodeDetailsOptions {
  /** The pipeline the page shows, for the run command (default `__default__`). */
  pipeline?: string;
  /** Load a preview of a catalog dataset (default true). */
  preview?: boolean;
}

const DEFAULT_PIPELINE = "__default__";

type Entry = Record<string, unknown>;
const isRecord = (v: unknown): v is Entry => typeof v === "object" && v !== null && !Array.isArray(v);

/** `metadata.kiln.layer` of a catalog entry, or null. */
function layerOf(entry: Entry | undefined): string | null {
  const metadata = entry?.metadata;
  const kiln = isRecord(metadata) ? metadata.kiln : undefined;
  const layer = isRecord(kiln) ? kiln.layer : undefined;
  return typeof layer === "string" && layer.length > 0 ? layer : null;
}

/** The value at a dotted path (`a.b`) of the parameters, or undefined. */
function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split(".")) {
    if (!isRecord(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/**
 * A project as the viz reads it: the graph of each registered pipeline, details of each element and
 * the recorded runs. Opened once per server (again on each autoreload); graphs are cached.
 */
export class VizProject {
  readonly #project: BootstrappedProject;
  readonly #conf: Record<string, unknown>;
  readonly #locator: FunctionLocator;
  readonly #graphs = new Map<string, GraphResponse>();
  readonly #datasetInfo = new Map<string, DatasetInfo>();
  #experiments: Promise<ExperimentsReader> | undefined;

  private constructor(project: BootstrappedProject, conf: Record<string, unknown>) {
    this.#project = project;
    this.#conf = conf;
    const { root, sourceDir } = project.session.project;
    this.#locator = new FunctionLocator(root, sourceDir);
  }

  /** Loads the project's settings, config, catalog and pipelines. */
  static async open(options: VizProjectOptions = {}): Promise<VizProject> {
    const project = await bootstrapProject(options.projectPath ?? process.cwd(), {
      ...(options.env ? { env: options.env } : {}),
      ...(options.reimport ? { reimport: true } : {}),
    });
    try {
      const conf = (await project.context.configLoader.load("catalog")).value;
      return new VizProject(project, isRecord(conf) ? conf : {});
    } catch (error) {
      await project.session.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const experiments = this.#experiments;
    this.#experiments = undefined;
    await (await experiments?.catch(() => undefined))?.close();
    await this.#project.session.close();
  }

  get root(): string {
    return this.#project.session.project.root;
  }

  /** The project's source folder, relative to its root (`src`). */
  get sourceDir(): string {
    return this.#project.session.project.sourceDir;
  }

  /** The folder config is read from. */
  get confSource(): string {
    return this.#project.session.confSource;
  }

  get name(): string {
    return this.#project.session.project.name;
  }

  get pipelineNames(): string[] {
    return sortPipelines(Object.keys(this.#project.pipelines));
  }

  get catalog(): DataCatalog {
    return this.#project.catalog;
  }

  /** True when the tracking plugin is installed: the page then shows its Experiments view. */
  get tracking(): boolean {
    return this.#project.session.plugins.some((p) => p.name === TRACKING_PACKAGE);
  }

  /**
   * The tracked runs, read through the project's own @kiln/tracking (imported on first use).
   * @throws VizError `KILN_VIZ_TRACKING_NOT_INSTALLED` when the project does not have it.
   */
  experiments(): Promise<ExperimentsReader> {
    if (!this.#experiments) {
      const opening = (async () => {
        const reader = this.tracking
          ? await ExperimentsReader.open({
              context: this.#project.context,
              projectRoot: this.root,
              display: (path) => this.#relative(path),
            })
          : null;
        if (reader) return reader;
        throw new VizError(
          "KILN_VIZ_TRACKING_NOT_INSTALLED",
          `The project ${this.name} does not use ${TRACKING_PACKAGE}, so it has no tracked runs.`,
          { hint: `npm install ${TRACKING_PACKAGE}, then kiln run records each run (docs/tracking.md).` },
        );
      })();
      // A failure is not kept: the next request tries again (tracking.yml may be fixed by then).
      opening.catch(() => {
        if (this.#experiments === opening) this.#experiments = undefined;
      });
      this.#experiments = opening;
    }
    return this.#experiments;
  }

  /** @throws VizError `KILN_VIZ_PIPELINE_NOT_FOUND` with close matches. */
  pipeline(name: string = DEFAULT_PIPELINE): Pipeline {
    const found = this.#project.pipelines[name];
    if (found) return found;
    throw new VizError(
      "KILN_VIZ_PIPELINE_NOT_FOUND",
      `The project has no registered pipeline named "${name}".`,
      {
        hint:
          didYouMean(name, this.pipelineNames) ??
          `Registered pipelines: ${this.pipelineNames.join(", ")} (src/pipelines.ts).`,
      },
    );
  }

  /** A dataset's catalog type and layer, from its entry or the factory pattern it matches. */
  datasetInfo(name: string): DatasetInfo {
    const known = this.#datasetInfo.get(name);
    if (known) return known;
    let entry = !name.startsWith("_") && isRecord(this.#conf[name]) ? (this.#conf[name] as Entry) : undefined;
    if (!entry) {
      const resolved = this.catalog.resolvePattern(name);
      if (resolved && resolved.pattern.pattern !== RUNTIME_DEFAULT_PATTERN.pattern) entry = resolved.config;
    }
    const info: DatasetInfo = entry
      ? { type: typeof entry.type === "string" ? entry.type : "Dataset", layer: layerOf(entry) }
      : this.catalog.has(name)
        ? { type: String(this.catalog.get(name).describe().type ?? "Dataset"), layer: null }
        : { type: "MemoryDataset", layer: null };
    this.#datasetInfo.set(name, info);
    return info;
  }

  /** `/api/main` (the default pipeline) and `/api/pipelines/:id`. */
  graph(name: string = DEFAULT_PIPELINE): GraphResponse {
    const cached = this.#graphs.get(name);
    if (cached) return cached;
    const graph = buildGraph({
      project: this.name,
      pipelineName: name,
      pipelineNames: this.pipelineNames,
      pipeline: this.pipeline(name),
      datasetInfo: (dataset) => this.datasetInfo(dataset),
      tracking: this.tracking,
    });
    this.#graphs.set(name, graph);
    return graph;
  }

  /** `/api/nodes/:id`: a task, dataset or parameters of any registered pipeline. */
  async nodeDetails(id: string, options: NodeDetailsOptions = {}): Promise<NodeDetails> {
    const pipelineName = options.pipeline ?? DEFAULT_PIPELINE;
    const colon = id.indexOf(":");
    const kind = id.slice(0, colon);
    const name = id.slice(colon + 1);
    if (kind === "task") {
      const node = this.#findNode(name, pipelineName);
      if (node) return this.#taskDetails(node, pipelineName);
    } else if ((kind === "data" && !isParameter(name)) || (kind === "param" && isParameter(name))) {
      if (this.#usesDataset(name)) {
        if (kind === "param") {
          const all = this.#project.context.parameters.value;
          const value = name === "parameters" ? all : valueAt(all, name.slice("params:".length));
          return { type: "parameters", id, name, value: value ?? null };
        }
        return this.#dataDetails(name, options.preview ?? true);
      }
    }
    const names = this.graph(
      this.#project.pipelines[pipelineName] ? pipelineName : DEFAULT_PIPELINE,
    ).nodes.map((n) => n.id);
    throw new VizError("KILN_VIZ_NODE_NOT_FOUND", `No pipeline of the project has an element "${id}".`, {
      hint:
        didYouMean(id, names) ??
        "Ids are task:<node name>, data:<dataset name> or param:params:<name>, as /api/main lists them.",
    });
  }

  #findNode(name: string, preferred: string) {
    const first = this.#project.pipelines[preferred]?.node(name);
    if (first) return first;
    for (const p of Object.values(this.#project.pipelines)) {
      const found = p.node(name);
      if (found) return found;
    }
    return undefined;
  }

  #usesDataset(name: string): boolean {
    return Object.values(this.#project.pipelines).some((p) => {
      const index = p.datasetIndex;
      return index.producer.has(name) || index.consumers.has(name);
    });
  }

  async #taskDetails(node: Pipeline["nodes"][number], pipelineName: string): Promise<TaskDetails> {
    const all = this.#project.context.parameters.value;
    const parameters: ParameterValue[] = node.inputs.filter(isParameter).map((input) => ({
      name: input,
      value: (input === "parameters" ? all : valueAt(all, input.slice("params:".length))) ?? null,
    }));
    const pipelineFlag = pipelineName === DEFAULT_PIPELINE ? "" : ` --pipeline ${pipelineName}`;
    return {
      type: "task",
      id: taskId(node.name),
      name: node.name,
      namespace: node.namespace ?? null,
      func: node.funcName,
      source: await this.#locator.locate(node.func),
      inputs: node.inputs.map(dataId),
      outputs: node.outputs.map(dataId),
      tags: [...node.tags].sort(),
      parameters,
      runCommand: `kiln run${pipelineFlag} --nodes ${node.name}`,
    };
  }

  #relative(path: string): string {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return path;
    const inside = relative(this.root, path);
    return !inside.startsWith("..") && !isAbsolute(inside) ? inside.split(sep).join("/") : path;
  }

  async #dataDetails(name: string, withPreview: boolean): Promise<DataDetails> {
    const info = this.datasetInfo(name);
    // Only catalog entries (declared or from a factory) are opened: never a path the page names.
    const declared = this.catalog.has(name) && info.type !== "MemoryDataset";
    const dataset: Dataset | undefined = declared ? this.catalog.get(name) : undefined;
    const described = dataset?.describe() ?? { type: "MemoryDataset" };
    const { filepath, version, ...description } = described;
    delete description.credentials; // never there by contract; dropped in case a plugin forgets
    const versioned = version !== undefined && version !== null;
    let versions: string[] = [];
    const lister = (dataset as { listVersions?: () => Promise<string[]> } | undefined)?.listVersions;
    if (versioned && typeof lister === "function") {
      versions = await lister.call(dataset).then(
        (list) => [...list].reverse(),
        () => [],
      );
    }
    let preview: DataDetails["preview"] = null;
    let previewError: DataDetails["previewError"] = null;
    if (withPreview && dataset && typeof dataset.preview === "function") {
      try {
        preview = await dataset.preview({ rows: 10 });
      } catch (error) {
        previewError = {
          code: error instanceof KilnError ? error.code : null,
          message: error instanceof Error ? error.message : String(error),
        };
      }
    }
    return {
      type: "data",
      id: dataId(name),
      name,
      datasetType: info.type,
      filepath: typeof filepath === "string" ? this.#relative(filepath) : null,
      versioned,
      versions,
      layer: info.layer,
      description,
      preview,
      previewError,
    };
  }

  /** `/api/runs`: the last `limit` runs of `.kiln/runs.jsonl`, newest first. */
  async runs(limit = 20): Promise<RunsResponse> {
    const records = await readRunRecords(this.#project.session.storePath);
    const runs: RunSummary[] = records
      .slice(-limit)
      .reverse()
      .map((r) => ({
        runId: r.runId,
        pipeline: r.pipeline,
        env: r.env,
        status: r.status,
        startedAt: r.startedAt,
        durationMs: r.durationMs,
        command: r.command,
        nodes: r.nodes,
        error: r.error,
      }));
    return { runs };
  }
}
