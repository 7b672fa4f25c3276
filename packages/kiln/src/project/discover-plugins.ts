import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Plugin } from "../hooks/index.js";
import { importModule } from "../utils/index.js";
import { ProjectError, type ProjectMetadata } from "./find-project.js";

/**
 * Plugins the project's dependencies bring: a package whose package.json has
 * `"kiln": { "plugin": "./dist/plugin.js" }` exports a Plugin (default export or `plugin`) from that
 * module. Kedro finds its plugins by entry points the same way. Order: dependencies, alphabetically.
 */
export async function discoverPlugins(project: ProjectMetadata): Promise<Plugin[]> {
  const pkg = JSON.parse(await readFile(join(project.root, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const names = [
    ...new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]),
  ].sort();
  const require = createRequire(join(project.root, "package.json"));
  const plugins: Plugin[] = [];
  for (const name of names) {
    let manifestPath: string;
    try {
      manifestPath = require.resolve(`${name}/package.json`);
    } catch {
      continue; // not installed, or hides its package.json: not a Kiln plugin we can load
    }
    const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as { kiln?: { plugin?: unknown } };
    const entry = manifest.kiln?.plugin;
    if (typeof entry !== "string") continue;
    let mod: Record<string, unknown>;
    try {
      mod = await importModule(join(dirname(manifestPath), entry), project.root);
    } catch (error) {
      throw new ProjectError(
        "KILN_PROJECT_PLUGIN",
        `Plugin package "${name}" failed to load: ${(error as Error).message}`,
        {
          cause: error,
          hint: `Reinstall it (npm install ${name}) or remove it from package.json.`,
        },
      );
    }
    const plugin = (mod.default ?? mod.plugin) as Plugin | undefined;
    if (!plugin || typeof plugin !== "object" || typeof plugin.name !== "string") {
      throw new ProjectError(
        "KILN_PROJECT_PLUGIN",
        `Package "${name}" declares a Kiln plugin but ${entry} exports none.`,
        {
          hint: "The module must export default { name, hooks?, datasets?, configPatterns?, commands? }.",
        },
      );
    }
    plugins.push(plugin);
  }
  return plugins;
}
