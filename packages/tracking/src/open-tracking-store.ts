import { KilnSession, type Logger } from "kiln";
import { loadTrackingSettings, type TrackingSettings } from "./config/tracking-settings.js";
import { type ResolvedModel, resolveModelUri } from "./model/model-uri.js";
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
  return (await openProjectTracking(options)).store;
}

/** The project's tracking store with the settings it was opened from (artifact location and credentials). */
export async function openProjectTracking(
  options: OpenTrackingStoreOptions = {},
): Promise<{ store: TrackingStore; settings: TrackingSettings }> {
  const session = await KilnSession.create({
    ...(options.projectPath ? { projectPath: options.projectPath } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    const settings = await loadTrackingSettings(await session.loadContext());
    return { store: await openStore(settings.store), settings };
  } finally {
    await session.close();
  }
}

/**
 * A model URI (`runs:/RUN/model`, `models:/NAME/VERSION`, `models:/NAME@ALIAS`, `models:/NAME/latest`,
 * a folder) as a local model folder, looking runs and registered models up in the project's
 * tracking store (opened only for those URIs, and closed after).
 * @example
 * const { path } = await resolveProjectModel("models:/spaceflights@champion", { projectPath: "." });
 */
export async function resolveProjectModel(
  uri: string,
  options: OpenTrackingStoreOptions & { cacheDir?: string } = {},
): Promise<ResolvedModel> {
  let opened: TrackingStore | undefined;
  try {
    return await resolveModelUri(uri, {
      ...(options.projectPath ? { cwd: options.projectPath } : {}),
      ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
      openStore: async () => {
        const { store, settings } = await openProjectTracking(options);
        opened = store;
        return {
          store,
          ...(settings.artifactCredentials ? { artifactCredentials: settings.artifactCredentials } : {}),
        };
      },
    });
  } finally {
    await opened?.close();
  }
}
