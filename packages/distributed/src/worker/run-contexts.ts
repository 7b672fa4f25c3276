import { type DataCatalog, KilnSession, type Logger, type Node } from "kiln";
import type { RunSpec } from "../protocol.js";

/** A run as a worker sees it: the project opened with the run's config, its catalog, its nodes. */
export interface RunContext {
  session: KilnSession;
  /** Built as the coordinator's: same environment, parameters, save version (the run id) and load versions. */
  catalog: DataCatalog;
  /** Every node of the project's registered pipelines, by name. */
  nodes: ReadonlyMap<string, Node>;
}

/** How many runs a worker keeps open at once; the least recently used is closed first. */
const KEEP = 8;

/**
 * The runs this worker has jobs of. Opening a run (session, config, catalog) costs tens of
 * milliseconds, so it happens once per run and worker, not once per job.
 */
export class RunContexts {
  readonly #open = new Map<string, Promise<RunContext>>();

  constructor(
    private readonly projectPath: string,
    private readonly logger: Logger,
  ) {}

  get(spec: RunSpec): Promise<RunContext> {
    let context = this.#open.get(spec.runId);
    if (context) {
      // Most recently used last.
      this.#open.delete(spec.runId);
      this.#open.set(spec.runId, context);
      return context;
    }
    context = this.#openRun(spec);
    // A run that failed to open is tried again by the job's next attempt, not remembered.
    context.catch(() => this.#open.delete(spec.runId));
    this.#open.set(spec.runId, context);
    if (this.#open.size > KEEP) {
      const [oldest, closing] = this.#open.entries().next().value as [string, Promise<RunContext>];
      this.#open.delete(oldest);
      void closing.then((c) => c.session.close()).catch(() => {});
    }
    return context;
  }

  async #openRun(spec: RunSpec): Promise<RunContext> {
    const session = await KilnSession.create({
      projectPath: this.projectPath,
      ...(spec.env ? { env: spec.env } : {}),
      runtimeParams: spec.runtimeParams,
      ...(spec.confSource ? { confSource: spec.confSource } : {}),
      logger: this.logger,
    });
    try {
      const context = await session.loadContext();
      const catalog = await context.createCatalog({
        saveVersion: spec.runId,
        ...(spec.loadVersions ? { loadVersions: spec.loadVersions } : {}),
      });
      const nodes = new Map<string, Node>();
      for (const pipeline of Object.values(await session.pipelines()))
        for (const node of pipeline.nodes) nodes.set(node.name, node);
      return { session, catalog, nodes };
    } catch (error) {
      await session.close();
      throw error;
    }
  }

  async closeAll(): Promise<void> {
    const open = [...this.#open.values()];
    this.#open.clear();
    await Promise.allSettled(open.map(async (c) => (await c).session.close()));
  }
}
