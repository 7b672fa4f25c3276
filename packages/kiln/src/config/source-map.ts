import type { ConfigLocation } from "./location.js";
import type { PathSegment } from "./object-path.js";

interface Entry {
  location?: ConfigLocation;
  children?: Map<string, Entry>;
}

/**
 * Where each value of a configuration was set, keyed by its path. Merging and interpolation keep
 * it in step with the value, so `locate` points at the file that won. A tree, so that replacing or
 * copying one key's subtree costs the size of that subtree, not of the whole config.
 */
export class SourceMap {
  #root: Entry = {};

  #find(path: readonly PathSegment[]): Entry | undefined {
    let entry: Entry | undefined = this.#root;
    for (const segment of path) {
      entry = entry.children?.get(String(segment));
      if (entry === undefined) return undefined;
    }
    return entry;
  }

  #make(path: readonly PathSegment[]): Entry {
    let entry = this.#root;
    for (const segment of path) {
      entry.children ??= new Map();
      let child = entry.children.get(String(segment));
      if (child === undefined) {
        child = {};
        entry.children.set(String(segment), child);
      }
      entry = child;
    }
    return entry;
  }

  /** The location recorded for exactly `path`. */
  get(path: readonly PathSegment[]): ConfigLocation | undefined {
    return this.#find(path)?.location;
  }

  /** Records `location` for `path`; keeps an existing entry unless `overwrite`. */
  set(path: readonly PathSegment[], location: ConfigLocation, overwrite = false): void {
    const entry = this.#make(path);
    if (overwrite || entry.location === undefined) entry.location = location;
  }

  /** The number of recorded paths. */
  get size(): number {
    let count = 0;
    const stack = [this.#root];
    while (stack.length > 0) {
      const entry = stack.pop()!;
      if (entry.location !== undefined) count++;
      if (entry.children) stack.push(...entry.children.values());
    }
    return count;
  }

  /** Forgets `path` and everything under it. */
  delete(path: readonly PathSegment[]): void {
    if (path.length === 0) {
      this.#root = {};
      return;
    }
    this.#find(path.slice(0, -1))?.children?.delete(String(path[path.length - 1]));
  }

  /** Copies the entries of `from` at and under `fromPath` to `toPath` (default: the same path), over what is there. */
  copy(from: SourceMap, fromPath: readonly PathSegment[], toPath: readonly PathSegment[] = fromPath): void {
    const source = from.#find(fromPath);
    if (source === undefined) return;
    const overlay = (src: Entry, dst: Entry) => {
      if (src.location !== undefined) dst.location = src.location;
      if (!src.children) return;
      dst.children ??= new Map();
      for (const [key, child] of src.children) {
        let target = dst.children.get(key);
        if (target === undefined) {
          target = {};
          dst.children.set(key, target);
        }
        overlay(child, target);
      }
    };
    overlay(source, this.#make(toPath));
  }
}
