import type { DataCatalog } from "../catalog/index.js";
import type { Pipeline } from "../pipeline/index.js";
import { findProject } from "../project/index.js";
import { type KilnContext, KilnSession, type SessionOptions } from "./kiln-session.js";
import { reimportProject } from "./reimport-project.js";

/** Options of {@link bootstrapProject}: those of a session, and whether to re-import code. */
export interface BootstrapOptions extends Omit<SessionOptions, "projectPath"> {
  /**
   * Import the project's modules anew from disk, after editing them in a long-lived process (a
   * REPL, a notebook). Default false: modules this process imported before are reused.
   */
  reimport?: boolean;
}

/** What {@link bootstrapProject} opens: the same objects `kiln repl` puts in scope. */
export interface BootstrappedProject {
  /** The session; `session.run({ pipeline })` runs as `kiln run` does. Close it when done. */
  session: KilnSession;
  /** Config for the session's environment. */
  context: KilnContext;
  /** The catalog built from config: `await catalog.load("params:...")`. */
  catalog: DataCatalog;
  /** The registered pipelines by name. */
  pipelines: Record<string, Pipeline>;
}

/**
 * Opens a Kiln project for scripts and notebooks: finds the project around `path`, loads its
 * config, builds the catalog and loads the pipeline registry.
 *
 * Call `session.close()` when done if `confSource` is an archive (it removes the extracted copy).
 *
 * @example
 * const { catalog, pipelines } = await bootstrapProject(".", { env: "prod" });
 * console.log(await catalog.load("params:model"), Object.keys(pipelines));
 */
export async function bootstrapProject(
  path: string = process.cwd(),
  options: BootstrapOptions = {},
): Promise<BootstrappedProject> {
  const { reimport, ...sessionOptions } = options;
  if (reimport) await reimportProject((await findProject(path)).root, options.logger);
  const session = await KilnSession.create({ ...sessionOptions, projectPath: path });
  try {
    const context = await session.loadContext();
    const [catalog, pipelines] = await Promise.all([context.createCatalog(), session.pipelines()]);
    return { session, context, catalog, pipelines };
  } catch (error) {
    await session.close();
    throw error;
  }
}
