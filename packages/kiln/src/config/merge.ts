import { ConfigError } from "../errors/index.js";
import { type ConfigLocation, formatLocation } from "./location.js";
import { formatPath, isPlainObject, type PathSegment, setOwn } from "./object-path.js";
import type { ParsedConfigFile } from "./parse-config-file.js";
import { SourceMap } from "./source-map.js";

/** How a run environment's config combines with base's: Kedro's two strategies. */
export type MergeStrategy = "destructive" | "soft";

/** A configuration value together with where each part of it was set. */
export interface Located {
  value: Record<string, unknown>;
  locations: SourceMap;
}

/** Deep-merges `source` into `target` at `path`: mappings merge, anything else replaces. */
export function deepMergeInto(
  target: Located,
  source: Located,
  path: PathSegment[] = [],
  into: Record<string, unknown> = target.value,
  from: Record<string, unknown> = source.value,
): void {
  for (const [key, value] of Object.entries(from)) {
    const childPath = [...path, key];
    const existing = Object.hasOwn(into, key) ? into[key] : undefined;
    if (isPlainObject(existing) && isPlainObject(value)) {
      const location = source.locations.get(childPath);
      if (location) target.locations.set(childPath, location, true);
      deepMergeInto(target, source, childPath, existing, value);
    } else {
      setOwn(into, key, value);
      target.locations.delete(childPath);
      target.locations.copy(source.locations, childPath);
    }
  }
}

/** Replaces whole top-level keys of `target` with those of `source` (Kedro's default). */
function destructiveMergeInto(target: Located, source: Located): void {
  for (const [key, value] of Object.entries(source.value)) {
    setOwn(target.value, key, value);
    target.locations.delete([key]);
    target.locations.copy(source.locations, [key]);
  }
}

/** Paths both values set, where at least one side is not a mapping (so one would silently win). */
function clashes(a: unknown, b: unknown, path: PathSegment[], deep: boolean, out: PathSegment[][]): void {
  if (!isPlainObject(a) || !isPlainObject(b)) return;
  for (const key of Object.keys(b)) {
    if (!Object.hasOwn(a, key)) continue;
    if (path.length === 0 && key.startsWith("_")) continue;
    const childPath = [...path, key];
    if (deep && isPlainObject(a[key]) && isPlainObject(b[key])) clashes(a[key], b[key], childPath, deep, out);
    else out.push(childPath);
  }
}

/**
 * Merges the files of one environment. The same key in two files is an error naming both files:
 * top-level keys for most config, leaf keys for `parameters` (Kedro lets parameter files share a
 * top-level mapping as long as they set different keys in it). `_`-prefixed top-level keys may repeat.
 *
 * @throws ConfigError `KILN_CONFIG_DUPLICATE_KEY`, listing every clash.
 */
export function mergeEnvironmentFiles(files: readonly ParsedConfigFile[], deep: boolean): Located {
  const merged: Located = { value: {}, locations: new SourceMap() };
  const problems: string[] = [];
  let firstLocation: ConfigLocation | undefined;
  for (const file of files) {
    const found: PathSegment[][] = [];
    clashes(merged.value, file.value, [], deep, found);
    for (const path of found) {
      const here = file.locations.get(path) ?? { file: file.file, line: 1, column: 1 };
      const there = merged.locations.get(path);
      firstLocation ??= here;
      problems.push(
        `"${formatPath(path)}" is set in ${there ? formatLocation(there) : "an earlier file"} and again in ${formatLocation(here)}`,
      );
    }
    if (deep) deepMergeInto(merged, file);
    else destructiveMergeInto(merged, file);
  }
  if (problems.length > 0) {
    throw new ConfigError(
      "KILN_CONFIG_DUPLICATE_KEY",
      problems.length === 1
        ? `Duplicate configuration key: ${problems[0]}.`
        : `Duplicate configuration keys:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      {
        hint: "Files of one environment must not set the same key: keep it in one file, or move the override to another environment (e.g. conf/local).",
        ...(firstLocation ? { location: firstLocation } : {}),
      },
    );
  }
  return merged;
}

/** Combines base with the run environment: `destructive` replaces top-level keys, `soft` deep-merges. */
export function mergeEnvironments(base: Located, env: Located, strategy: MergeStrategy): Located {
  if (strategy === "soft") deepMergeInto(base, env);
  else destructiveMergeInto(base, env);
  return base;
}
