import { KilnSession, type Logger } from "kiln";
import { loadTrackingSettings } from "./config/tracking-settings.js";
import { openStore } from "./store/open-store.js";
import type { TrackingStore } from "./store/types.js";

/** Options of {@link openTrackingStore}. */
export interface OpenTrackingStoreOptions {
  /** A folder inside the project (default: the working directory). */
  projectPath?: string;
  /** The config environment whose tracking.yml to read (default: as `kiln run`). */
  env?: string;
  logger?: Logger;
}

/**
 * The tracking store a project's `kiln run` writes to, as its tracking.yml and credentials say:
 * for tests, notebooks and tools that read runs. Close it when done.
 * @example
 * const store = await openTrackingStore({ projectPath: "." });
 * const run = await store.getRun(session.lastRun!.runId);
 * await store.close();
 */
export async function openTrackingStore(options: OpenTrackingStoreOptions = {}): Promise<TrackingStore> {
  const session = await KilnSession.create({
    ...(options.projectPath ? { projectPath: options.projectPath } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    return await openStore((await loadTrackingSettings(await session.loadContext())).store);
  } finally {
    await session.close();
  }
}
