import type { ConfigLocation } from "./location.js";
import { getAt, type PathSegment } from "./object-path.js";
import type { SourceMap } from "./source-map.js";

/**
 * One loaded configuration (`catalog`, `parameters`, …): the merged, resolved value and where
 * each part of it was set, so later layers (catalog, parameter schemas) can point at file and line.
 */
export interface ConfigDocument {
  /** The config key this document was loaded for. */
  readonly key: string;
  /** The merged value; `_`-prefixed top-level keys (YAML anchors) are kept. */
  readonly value: Record<string, unknown>;
  /** The files read, base environment first, each in merge order. */
  readonly files: readonly string[];
  /**
   * Where the value at `path` was set (the key's line for mappings and lists, the value's for
   * scalars); undefined when nothing is set there.
   */
  locate(path: ReadonlyArray<string | number>): ConfigLocation | undefined;
}

/** A `ConfigDocument` over a value and its source map. */
export function createConfigDocument(
  key: string,
  value: Record<string, unknown>,
  locations: SourceMap,
  files: readonly string[],
): ConfigDocument {
  return {
    key,
    value,
    files,
    locate(path: readonly PathSegment[]) {
      if (path.length === 0 || !getAt(value, path).found) return undefined;
      // Values copied from aliases or `${...}` may lack their own entry: the nearest parent's is next best.
      for (let i = path.length; i > 0; i--) {
        const found = locations.get(path.slice(0, i));
        if (found) return found;
      }
      return undefined;
    },
  };
}
