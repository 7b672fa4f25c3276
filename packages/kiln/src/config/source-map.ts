import type { ConfigLocation } from "./location.js";
import type { PathSegment } from "./object-path.js";

const SEP = "\u0000";

function encode(path: readonly PathSegment[]): string {
  return path.map(String).join(SEP);
}

/**
 * Where each value of a configuration was set, keyed by its path. Merging and interpolation keep
 * it in step with the value, so `locate` points at the file that won.
 */
export class SourceMap {
  readonly #entries = new Map<string, ConfigLocation>();

  /** The location recorded for exactly `path`. */
  get(path: readonly PathSegment[]): ConfigLocation | undefined {
    return this.#entries.get(encode(path));
  }

  /** Records `location` for `path`; keeps an existing entry unless `overwrite`. */
  set(path: readonly PathSegment[], location: ConfigLocation, overwrite = false): void {
    const key = encode(path);
    if (overwrite || !this.#entries.has(key)) this.#entries.set(key, location);
  }

  /** The number of recorded paths. */
  get size(): number {
    return this.#entries.size;
  }

  /** Forgets `path` and everything under it. */
  delete(path: readonly PathSegment[]): void {
    if (path.length === 0) {
      this.#entries.clear();
      return;
    }
    const key = encode(path);
    const prefix = key + SEP;
    for (const existing of [...this.#entries.keys()])
      if (existing === key || existing.startsWith(prefix)) this.#entries.delete(existing);
  }

  /** Copies the entries of `from` at and under `fromPath` to `toPath` (default: the same path). */
  copy(from: SourceMap, fromPath: readonly PathSegment[], toPath: readonly PathSegment[] = fromPath): void {
    const key = encode(fromPath);
    const target = encode(toPath);
    for (const [existing, location] of [...from.#entries]) {
      let suffix: string;
      if (fromPath.length === 0) suffix = existing;
      else if (existing === key) suffix = "";
      else if (existing.startsWith(key + SEP)) suffix = existing.slice(key.length + 1);
      else continue;
      this.#entries.set(target && suffix ? target + SEP + suffix : target || suffix, location);
    }
  }
}
