import { join } from "node:path";
import type { DatasetClass, DatasetType } from "../catalog/index.js";
import type { Plugin } from "../hooks/index.js";
import { importModule } from "../utils/index.js";
import { ProjectError, type ProjectMetadata } from "./find-project.js";
import { moduleFile } from "./module-file.js";

/** What `src/settings.ts` may export as its default (all optional). */
export interface ProjectSettings {
  /** Plugins (hooks, dataset types, CLI commands) in the order their hooks run. */
  plugins?: Plugin[];
  /** Project-specific dataset types by name. */
  datasetTypes?: Record<string, DatasetType | DatasetClass>;
  /**
   * Config loader options: `baseEnv`, `defaultRunEnv`, extra `configPatterns` (over the built-in
   * keys' and those plugins ask for), `mergeStrategy`.
   */
  configLoader?: {
    baseEnv?: string;
    defaultRunEnv?: string;
    configPatterns?: Record<string, string[]>;
    mergeStrategy?: Record<string, "soft" | "destructive">;
  };
  /** Where run records go, relative to the project (default `.kiln`). */
  sessionStore?: { path?: string };
  /** The conf folder, relative to the project (default `conf`). */
  confSource?: string;
}

/** Identity function that types a settings object: `export default defineSettings({ … })`. */
export function defineSettings(settings: ProjectSettings): ProjectSettings {
  return settings;
}

/** Loads `<sourceDir>/settings.ts` (or .js); a project without one gets empty settings. */
export async function loadSettings(project: ProjectMetadata): Promise<ProjectSettings> {
  const base = join(project.root, project.sourceDir, "settings");
  const file = moduleFile(base);
  if (!file) return {};
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(file, project.root);
  } catch (error) {
    throw new ProjectError("KILN_PROJECT_SETTINGS", `Could not load ${file}: ${(error as Error).message}`, {
      cause: error,
      hint: "Fix the error in settings, or run with --verbose to see the stack.",
    });
  }
  const settings = (mod.default ?? mod.settings ?? {}) as ProjectSettings;
  if (typeof settings !== "object" || settings === null) {
    throw new ProjectError("KILN_PROJECT_SETTINGS", `${file} must export default an object of settings.`, {
      hint: "export default defineSettings({ plugins: [] });",
    });
  }
  return settings;
}
