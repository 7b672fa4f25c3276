import { type DataCatalog, hasProtocol, isParameter } from "kiln";

/** Where a dataset's data lives, which decides whether it can pass between machines. */
export type DatasetKind =
  /** Only in the memory of the process that made it (not declared, or a MemoryDataset). */
  | "memory"
  /** A file under a local path: each container has its own, unless storage is shared. */
  | "local-file"
  /** Anywhere every machine reaches (s3://, http(s)://, a database, a tracking server). */
  | "shared";

/** A dataset as the export sees it. */
export interface DatasetInfo {
  name: string;
  kind: DatasetKind;
  /** The catalog entry (a factory's, resolved for this name); undefined for undeclared datasets. */
  entry: Record<string, unknown> | undefined;
  /** The entry's local file path, as written (relative to the project, or absolute). */
  localPath?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function localPathOf(entry: Record<string, unknown> | undefined): string | undefined {
  const path = entry?.filepath ?? entry?.path;
  if (typeof path !== "string") return undefined;
  if (path.startsWith("file://")) return new URL(path).pathname;
  return hasProtocol(path) ? undefined : path;
}

/**
 * Describes each of `names` (parameters are skipped) from the catalog the run would use and its
 * config (`conf`, the merged `catalog` config), without loading any data.
 */
export function describeDatasets(
  names: Iterable<string>,
  catalog: DataCatalog,
  conf: Record<string, unknown>,
): Map<string, DatasetInfo> {
  const out = new Map<string, DatasetInfo>();
  for (const name of names) {
    if (out.has(name) || isParameter(name)) continue;
    // Asked before get(): once built, a factory's dataset counts as declared and has no pattern.
    const match = catalog.resolvePattern(name);
    const declared = isRecord(conf[name]) ? conf[name] : undefined;
    const entry = declared ?? match?.config;
    if (!catalog.has(name) || catalog.get(name).ephemeral === true) {
      out.set(name, { name, kind: "memory", entry });
      continue;
    }
    const localPath = localPathOf(entry);
    out.set(
      name,
      localPath === undefined
        ? { name, kind: "shared", entry }
        : { name, kind: "local-file", entry, localPath },
    );
  }
  return out;
}
