import { DatasetError } from "../errors/index.js";

/** Kedro's version format: `YYYY-MM-DDThh.mm.ss.sssZ` (UTC, colons replaced so it is a valid folder name). */
export const VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}\.\d{3}Z$/;

/** A versioned dataset's versions for this run: which to load (latest when absent) and which to save. */
export interface Version {
  load?: string | undefined;
  save?: string | undefined;
}

let lastIssued = 0;

/** Formats a millisecond timestamp as a version string. */
export function formatVersion(ms: number): string {
  return new Date(ms).toISOString().replace(/:/g, ".");
}

/** Parses a version string back to milliseconds. @throws DatasetError for a malformed version. */
export function parseVersion(version: string): number {
  if (!VERSION_PATTERN.test(version)) {
    throw new DatasetError("KILN_DATASET_BAD_VERSION", `"${version}" is not a dataset version.`, {
      hint: "Versions look like 2026-11-23T12.51.11.123Z (YYYY-MM-DDThh.mm.ss.sssZ, UTC).",
    });
  }
  const [date, time] = version.split("T") as [string, string];
  return Date.parse(`${date}T${time.slice(0, 8).replace(/\./g, ":")}${time.slice(8)}`);
}

/**
 * A new save version: the current time, but always later than the last one this process issued, so
 * that two runs in one millisecond still get different versions. (Across processes, file datasets
 * make versions unique by writing exclusively and moving on by a millisecond on a clash.)
 */
export function generateVersion(now = Date.now()): string {
  lastIssued = Math.max(now, lastIssued + 1);
  return formatVersion(lastIssued);
}

/** The version one millisecond after `version`. */
export function nextVersion(version: string): string {
  return formatVersion(parseVersion(version) + 1);
}
