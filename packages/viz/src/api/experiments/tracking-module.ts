// @kiln/tracking as the viz uses it. The viz does not depend on it: the project does (the plugin
// found in its dependencies), so the module is resolved from the project's folder and imported only
// then. The shapes below are the part of its public API read here; a test assigns the real module
// to `TrackingModule`, so the typecheck fails if they drift apart.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { KilnContext } from "kiln";

/** The package the Experiments view reads. */
export const TRACKING_PACKAGE = "@kiln/tracking";

/** A run with its params, tags and latest metrics (`RunSummary` of @kiln/tracking). */
export interface StoreRunSummary {
  runId: string;
  experimentId: string;
  experimentName: string;
  runName: string;
  status: "RUNNING" | "FINISHED" | "FAILED" | "KILLED";
  startTime: number;
  endTime: number | null;
  artifactUri: string;
  userId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
}

/** Everything recorded about a run (`RunDetails` of @kiln/tracking). */
export interface StoreRunDetails extends StoreRunSummary {
  metricHistory: Record<string, Array<{ key: string; value: number; step: number; timestamp: number }>>;
  nodes: Array<{
    name: string;
    status: "success" | "failed" | "running";
    startTime: number;
    endTime: number | null;
    durationMs: number | null;
    error: string | null;
  }>;
  lineage: Array<{
    node: string;
    dataset: string;
    direction: "input" | "output";
    datasetType: string | null;
    location: string | null;
    version: string | null;
  }>;
  artifacts: Array<{ path: string; size: number; dataset: string | null; loggedAt: number }>;
  logs: readonly unknown[];
}

/** The reading half of `TrackingStore`. */
export interface StoreReader {
  readonly display: string;
  listExperiments(): Promise<Array<{ experimentId: string; name: string; createdAt: number }>>;
  runSummaries(experimentIds: readonly string[]): Promise<StoreRunSummary[]>;
  getRun(runId: string): Promise<StoreRunDetails | undefined>;
  findRunIds(prefix: string, limit?: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Where the store is (`StoreTarget`). */
export type StoreLocation =
  | { kind: "sqlite"; path: string; display: string }
  | { kind: "postgresql"; display: string };

/** A parsed filter or order-by: passed back to `searchRuns` as it came. */
export interface ParsedFilter {
  clauses: readonly unknown[];
}
export interface ParsedOrderKey {
  descending: boolean;
}

/** The functions of @kiln/tracking the viz calls (methods, so its exact parameter types fit). */
export interface TrackingModule {
  loadTrackingSettings(
    context: KilnContext,
  ): Promise<{ store: StoreLocation; experimentName: string; secrets: string[] }>;
  openStore(target: StoreLocation): Promise<StoreReader>;
  parseFilter(text: string): ParsedFilter;
  parseOrderBy(text: string): ParsedOrderKey[];
  searchRuns(
    runs: readonly StoreRunSummary[],
    options?: { filter?: ParsedFilter; orderBy?: readonly ParsedOrderKey[]; limit?: number },
  ): StoreRunSummary[];
}

/**
 * Imports @kiln/tracking as the project installed it (resolved from `projectRoot`), or resolves to
 * null when the project cannot reach it.
 */
export async function importTracking(projectRoot: string): Promise<TrackingModule | null> {
  let entry: string;
  try {
    entry = createRequire(join(projectRoot, "package.json")).resolve(TRACKING_PACKAGE);
  } catch {
    return null;
  }
  if (!existsSync(entry)) return null;
  return (await import(pathToFileURL(entry).href)) as TrackingModule;
}
