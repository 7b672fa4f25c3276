import { DEFAULT_CONFIG_PATTERNS } from "../config/index.js";
import type { Plugin } from "../hooks/index.js";
import { ProjectError } from "./find-project.js";

const HINT_SHAPE = 'configPatterns: { tracking: ["tracking*", "tracking*/**", "**/tracking*"] }';

function isGlobList(value: unknown): value is readonly string[] {
  return (
    Array.isArray(value) && value.length > 0 && value.every((p) => typeof p === "string" && p.trim() !== "")
  );
}

function invalid(plugin: string, what: string, hint: string): ProjectError {
  return new ProjectError("KILN_PROJECT_PLUGIN_CONFIG_PATTERNS", `Plugin "${plugin}" ${what}.`, { hint });
}

/**
 * The `configPatterns` for a project's `ConfigLoader`: the config keys its plugins ask for (so
 * `context.configLoader.load("tracking")` merges `conf/base/tracking*` with the run environment's),
 * then the settings' `configLoader.configPatterns`, which win. Plugins add keys; they cannot change
 * Kiln's own (`catalog`, `parameters`, …), which only the project's settings may.
 *
 * @throws ProjectError `KILN_PROJECT_PLUGIN_CONFIG_PATTERNS` when a plugin's patterns are not lists
 *   of globs, claim a built-in key, or claim a key another plugin claims with other patterns (unless
 *   the settings decide that key).
 */
export function projectConfigPatterns(
  plugins: readonly Plugin[],
  settingsPatterns: Readonly<Record<string, readonly string[]>> = {},
): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  const owner = new Map<string, string>();
  for (const plugin of plugins) {
    const asked: unknown = plugin.configPatterns;
    if (asked === undefined) continue;
    if (asked === null || typeof asked !== "object" || Array.isArray(asked)) {
      throw invalid(
        plugin.name,
        "has configPatterns that are not a mapping of config keys to globs",
        HINT_SHAPE,
      );
    }
    for (const [key, patterns] of Object.entries(asked)) {
      if (!isGlobList(patterns)) {
        throw invalid(
          plugin.name,
          `asks for config key "${key}" with ${JSON.stringify(patterns) ?? String(patterns)}, not a list of globs`,
          `Give a non-empty list of glob strings, e.g. ${HINT_SHAPE.replaceAll("tracking", key)}.`,
        );
      }
      if (Object.hasOwn(DEFAULT_CONFIG_PATTERNS, key)) {
        throw invalid(
          plugin.name,
          `asks for config patterns for "${key}", a key Kiln reads itself`,
          `A plugin adds keys of its own (e.g. "${plugin.name}"); to change where "${key}" is read from, set configLoader.configPatterns in src/settings.ts.`,
        );
      }
      if (Object.hasOwn(settingsPatterns, key)) continue; // the project decides this key
      const earlier = owner.get(key);
      if (earlier !== undefined && JSON.stringify(out[key]) !== JSON.stringify(patterns)) {
        throw invalid(
          plugin.name,
          `asks for config key "${key}", which plugin "${earlier}" asks for with other patterns (${out[key]!.join(", ")} vs ${patterns.join(", ")})`,
          `Remove one of the plugins, or choose the patterns in src/settings.ts: configLoader: { configPatterns: { ${key}: [...] } }.`,
        );
      }
      owner.set(key, plugin.name);
      out[key] = [...patterns];
    }
  }
  return { ...out, ...settingsPatterns };
}
