import { join, resolve } from "node:path";
import {
  createCatalog,
  createDefaultRegistry,
  type DataCatalog,
  type DatasetTypeRegistry,
  generateVersion,
} from "../catalog/index.js";
import {
  type ConfigDocument,
  ConfigLoader,
  type OpenedConfSource,
  openConfSource,
  validateParameters,
} from "../config/index.js";
import { KilnError } from "../errors/index.js";
import { HookManager, type Plugin } from "../hooks/index.js";
import { getDefaultLogger, type Logger } from "../logging/index.js";
import type { Pipeline, PipelineFilter } from "../pipeline/index.js";
import {
  DEFAULT_PIPELINE,
  discoverPlugins,
  findParameterSchemas,
  findProject,
  loadPipelines,
  loadSettings,
  type ProjectMetadata,
  type ProjectSettings,
  projectConfigPatterns,
  registryFile,
  selectPipeline,
} from "../project/index.js";
import type { RunProgress, RunResult } from "../runner/index.js";
import { feedDict } from "./feed-dict.js";
import { gitInfo } from "./git-info.js";
import { appendRunRecord, pathForRecord, type RunRecord } from "./run-record.js";
import { createRunner } from "./runner-factory.js";

/** Options of {@link KilnSession.create}. */
export interface SessionOptions {
  /** A folder inside the project (default: the working directory). */
  projectPath?: string;
  /** The run environment (default `KILN_ENV`, then `local`). */
  env?: string;
  /** `--params` overrides, nested. */
  runtimeParams?: Record<string, unknown>;
  /**
   * The conf folder, or a `.tar.gz`/`.tgz`/`.zip` of it extracted to a temp folder until
   * {@link KilnSession.close} (default `<project>/conf`).
   */
  confSource?: string;
  logger?: Logger;
}

/** What `kiln run` can be asked; the same options from code. */
export interface SessionRunOptions {
  /** One pipeline (default `__default__`); `pipelines` runs the union of several. */
  pipeline?: string;
  pipelines?: string[];
  nodes?: string[];
  fromNodes?: string[];
  toNodes?: string[];
  fromInputs?: string[];
  toOutputs?: string[];
  tags?: string[];
  namespaces?: string[];
  /** `sequential` (default), `concurrent`, `parallel` or a module export. */
  runner?: string;
  /** Runner options, snake_case as on the command line (`max_workers`). */
  runnerParams?: Record<string, unknown>;
  loadVersions?: Record<string, string>;
  onlyMissingOutputs?: boolean;
  /** The command line, recorded and used in the resume suggestion. */
  command?: string;
  /** Told as the run goes (the CLI's progress line); not recorded. Called synchronously, must not throw. */
  onProgress?: (progress: RunProgress) => void;
}

/** A project's configuration, loaded for one environment. */
export interface KilnContext {
  project: ProjectMetadata;
  env: string;
  configLoader: ConfigLoader;
  parameters: ConfigDocument;
  /** The session's logger: where plugins write what they have to say about a run. */
  logger: Logger;
  /** Builds the catalog from config (a new one each call). */
  createCatalog(options?: {
    saveVersion?: string;
    loadVersions?: Record<string, string>;
  }): Promise<DataCatalog>;
}

/**
 * A project opened for one environment: loads settings, config, catalog and pipelines, runs them,
 * and records each run under `.kiln/runs.jsonl`.
 *
 * @example
 * const session = await KilnSession.create({ projectPath: "." });
 * await session.run({ pipeline: "data_processing" });
 */
export class KilnSession {
  readonly hooks: HookManager;
  #context: KilnContext | undefined;
  #datasetTypes: DatasetTypeRegistry | undefined;
  #conf!: OpenedConfSource;

  private constructor(
    readonly project: ProjectMetadata,
    readonly settings: ProjectSettings,
    readonly options: SessionOptions,
    readonly logger: Logger,
    /** Installed plugins first (found in the project's dependencies), then the settings' plugins. */
    readonly plugins: readonly Plugin[],
  ) {
    this.hooks = new HookManager(plugins);
  }

  /**
   * Finds the project around `projectPath` and loads its settings. A conf source archive is
   * extracted now; call {@link close} when done to remove the extracted copy.
   *
   * @throws ConfigError `KILN_CONFIG_BAD_ARCHIVE` / `KILN_CONFIG_ARCHIVE_NOT_FOUND` for an archive.
   */
  static async create(options: SessionOptions = {}): Promise<KilnSession> {
    const project = await findProject(options.projectPath ?? process.cwd());
    const settings = await loadSettings(project);
    const plugins = [...(await discoverPlugins(project)), ...(settings.plugins ?? [])];
    const session = new KilnSession(
      project,
      settings,
      options,
      options.logger ?? getDefaultLogger(),
      plugins,
    );
    session.#conf = await openConfSource(
      resolve(project.root, options.confSource ?? settings.confSource ?? "conf"),
      { baseEnv: settings.configLoader?.baseEnv ?? "base" },
    );
    return session;
  }

  /** Removes a conf source archive's extracted copy; a no-op for a conf folder. */
  async close(): Promise<void> {
    await this.#conf.close();
  }

  get env(): string {
    // An empty KILN_ENV means "not set", as the config loader reads it.
    return this.options.env || process.env.KILN_ENV || this.settings.configLoader?.defaultRunEnv || "local";
  }

  /** The folder config is read from (an archive's extracted copy for an archive). */
  get confSource(): string {
    return this.#conf.path;
  }

  /** The run records file. */
  get storePath(): string {
    return join(this.project.root, this.settings.sessionStore?.path ?? ".kiln", "runs.jsonl");
  }

  /** Loads config for the session's environment (once) and fires `afterContextCreated`. */
  async loadContext(): Promise<KilnContext> {
    if (this.#context) return this.#context;
    const loaderSettings = this.settings.configLoader ?? {};
    const configLoader = new ConfigLoader({
      confSource: this.confSource,
      env: this.env,
      ...(this.options.runtimeParams ? { runtimeParams: this.options.runtimeParams } : {}),
      ...loaderSettings,
      configPatterns: projectConfigPatterns(this.plugins, loaderSettings.configPatterns),
    });
    const parameters = await configLoader.load("parameters");
    const registry = this.datasetTypes();
    const context: KilnContext = {
      project: this.project,
      env: this.env,
      configLoader,
      parameters,
      logger: this.logger,
      createCatalog: async (opts = {}) => {
        const [catalog, credentials] = await Promise.all([
          configLoader.load("catalog"),
          configLoader.load("credentials"),
        ]);
        const saveVersion = opts.saveVersion ?? generateVersion();
        const built = await createCatalog({
          catalog: catalog.value,
          locate: (path) => catalog.locate(path),
          credentials: credentials.value,
          parameters: parameters.value,
          saveVersion,
          ...(opts.loadVersions ? { loadVersions: opts.loadVersions } : {}),
          registry,
          projectPath: this.project.root,
          logger: this.logger,
        });
        await this.hooks.call("afterCatalogCreated", {
          catalog: built,
          confCatalog: catalog.value,
          confCreds: credentials.value,
          parameters: parameters.value,
          feedDict: feedDict(parameters.value),
          saveVersion,
          loadVersions: opts.loadVersions ?? {},
          conf: catalog.value,
        });
        return built;
      },
    };
    this.#context = context;
    await this.hooks.call("afterContextCreated", { context });
    return context;
  }

  /**
   * The dataset types catalogs of this project can name: Kiln's built-in ones, then the plugins',
   * then `datasetTypes` of the settings, each registry entry recording where it came from.
   * @throws CatalogError `KILN_CATALOG_TYPE_EXISTS` when two of them take the same name.
   */
  datasetTypes(): DatasetTypeRegistry {
    if (this.#datasetTypes) return this.#datasetTypes;
    const registry = createDefaultRegistry();
    for (const plugin of this.plugins) {
      for (const [name, type] of Object.entries(plugin.datasets ?? {}))
        registry.register(name, type as never, { source: `plugin "${plugin.name}"` });
    }
    for (const [name, type] of Object.entries(this.settings.datasetTypes ?? {}))
      registry.register(name, type, { source: "settings" });
    this.#datasetTypes = registry;
    return registry;
  }

  /** The project's registered pipelines. */
  pipelines(): Promise<Record<string, Pipeline>> {
    return loadPipelines(this.project);
  }

  /** The pipeline a run with these options would run: the named pipeline(s), then the filters. */
  async selectPipeline(options: SessionRunOptions): Promise<Pipeline> {
    const registry = await this.pipelines();
    const names = options.pipelines?.length ? options.pipelines : [options.pipeline ?? DEFAULT_PIPELINE];
    let selected = selectPipeline(registry, names[0]);
    for (const name of names.slice(1)) selected = selected.add(selectPipeline(registry, name));
    const filter: PipelineFilter = {};
    if (options.nodes?.length) filter.nodeNames = options.nodes;
    if (options.fromNodes?.length) filter.fromNodes = options.fromNodes;
    if (options.toNodes?.length) filter.toNodes = options.toNodes;
    if (options.fromInputs?.length) filter.fromInputs = options.fromInputs;
    if (options.toOutputs?.length) filter.toOutputs = options.toOutputs;
    if (options.tags?.length) filter.tags = options.tags;
    if (options.namespaces?.length) filter.nodeNamespaces = options.namespaces;
    return Object.keys(filter).length > 0 ? selected.filter(filter) : selected;
  }

  /**
   * Checks parameters against the schemas of the pipelines whose nodes are about to run, so a wrong
   * or missing parameter fails before any node runs, naming the key, the expected type and the file
   * and line where it was set.
   */
  async validateParameters(pipe: Pipeline, parameters: ConfigDocument): Promise<void> {
    const registry = await this.pipelines();
    for (const declared of await findParameterSchemas(this.project)) {
      const owner = registry[declared.pipeline];
      if (owner?.nodes.some((n) => pipe.node(n.name) !== undefined)) {
        validateParameters(parameters, declared.schema as never);
      }
    }
  }

  /** What the session's last `run()` recorded (undefined before the first run). */
  lastRun: RunRecord | undefined;

  /** Runs a pipeline and records the run; resolves to the free outputs its nodes produced. */
  async run(options: SessionRunOptions = {}): Promise<RunResult> {
    const runId = generateVersion();
    const started = Date.now();
    // Asked now, so the two git processes run while the pipeline loads and runs.
    const git = gitInfo(this.project.root).catch(() => undefined);
    const pipelineName = options.pipelines?.length
      ? options.pipelines.join(",")
      : (options.pipeline ?? DEFAULT_PIPELINE);
    const { onProgress, ...recordedOptions } = options;
    // A node's time is what its log line shows (load, run, save), as the runner measures it.
    const timings = new Map<string, { started: number; durationMs?: number; status: "success" | "failed" }>();
    const progress = (p: RunProgress) => {
      if (p.event === "node_started") timings.set(p.node, { started: performance.now(), status: "failed" });
      else if (p.event === "node_completed" || p.event === "node_failed") {
        const t = timings.get(p.node);
        if (t)
          Object.assign(t, {
            durationMs: p.durationMs,
            status: p.event === "node_completed" ? "success" : "failed",
          });
      }
      onProgress?.(p);
    };
    const saved: RunRecord["saved"] = [];
    const recorder: Plugin = {
      name: "kiln-session-recorder",
      hooks: {
        afterDatasetSaved: ({ datasetName }) => {
          // Datasets the runner created in memory live only in its own copy of the catalog.
          if (!catalog?.has(datasetName)) return;
          const described = catalog.get(datasetName).describe();
          if (typeof described.filepath !== "string") return; // not a file anyone can open
          const version = (described.version as { save?: string } | undefined)?.save ?? null;
          saved.push({ dataset: datasetName, filepath: described.filepath, version });
        },
      },
    };
    const hooks = new HookManager([...this.hooks.plugins, recorder]);
    let error: unknown;
    let catalog: DataCatalog | undefined;
    try {
      const pipe = await this.selectPipeline(options);
      const context = await this.loadContext();
      await this.validateParameters(pipe, context.parameters);
      catalog = await context.createCatalog({
        saveVersion: runId,
        ...(options.loadVersions ? { loadVersions: options.loadVersions } : {}),
      });
      const runner = await createRunner({
        name: options.runner ?? "sequential",
        params: options.runnerParams ?? {},
        source: { module: registryFile(this.project), export: "registerPipelines", name: "*" },
        logger: this.logger,
        projectPath: this.project.root,
        threadCodecs: this.plugins.flatMap((p) => p.threadCodecs ?? []),
        plugins: this.plugins,
      });
      return await runner.run(pipe, catalog, {
        hooks,
        runId,
        pipelineName,
        onlyMissingOutputs: options.onlyMissingOutputs ?? false,
        ...(options.command ? { command: options.command } : {}),
        runParams: {
          env: this.env,
          project: this.project.name,
          projectPath: this.project.root,
          runtimeParams: this.options.runtimeParams ?? {},
          ...(this.options.confSource ? { confSource: this.options.confSource } : {}),
          ...recordedOptions,
        },
        onProgress: progress,
      });
    } catch (e) {
      error = e;
      throw e;
    } finally {
      const record: RunRecord = {
        runId,
        project: this.project.name,
        pipeline: pipelineName,
        env: this.env,
        status: error === undefined ? "success" : "failed",
        startedAt: new Date(started).toISOString(),
        finishedAt: new Date().toISOString(),
        durationMs: Date.now() - started,
        git: (await git) ?? null,
        command: options.command ?? null,
        options: recordedOptions,
        runtimeParams: this.options.runtimeParams ?? {},
        // As given (an archive, not its extracted copy).
        confSource: pathForRecord(
          this.project.root,
          resolve(this.project.root, this.options.confSource ?? this.settings.confSource ?? "conf"),
        ),
        saved,
        nodes: [...timings].map(([name, t]) => ({
          name,
          status: t.status,
          durationMs: Math.round((t.durationMs ?? performance.now() - t.started) * 1000) / 1000,
        })),
        error:
          error === undefined
            ? null
            : {
                code: error instanceof KilnError ? error.code : null,
                message: error instanceof Error ? error.message : String(error),
              },
      };
      this.lastRun = record;
      await appendRunRecord(this.storePath, record);
    }
  }
}
