// Reads the API: from the `kiln viz` server, or from the JSON files of a `kiln viz build` site.

import { compareRuns } from "../../src/api/experiments/compare-runs.js";
import { apiPaths } from "../../src/api/static-paths.js";
import type {
  CompareResponse,
  ExperimentsResponse,
  GraphResponse,
  NodeDetails,
  RunsResponse,
  TrackedRunDetails,
  TrackedRunsResponse,
} from "../../src/api/types.js";

declare global {
  interface Window {
    /** Set by `kiln viz build` in the page it writes. */
    __KILN_VIZ_STATIC__?: boolean;
  }
}

/** An answer the API refused, with its code and hint. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const isStaticSite = () => typeof window !== "undefined" && window.__KILN_VIZ_STATIC__ === true;

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body as { error?: { code: string; message: string; hint?: string } } | null)?.error;
    throw new ApiError(
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `${path}: ${response.status}`,
      error?.hint,
    );
  }
  return body as T;
}

/** The API as the page uses it. */
export const api = {
  /** A registered pipeline's graph; null for the one the server opens on (`--pipeline`). */
  graph(pipeline: string | null): Promise<GraphResponse> {
    const paths = apiPaths(isStaticSite());
    return getJson(pipeline === null ? paths.main() : paths.pipeline(pipeline));
  },
  node(id: string, pipeline: string): Promise<NodeDetails> {
    const paths = apiPaths(isStaticSite());
    return getJson(isStaticSite() ? paths.node(id) : apiPaths(false).node(id, pipeline));
  },
  runs(): Promise<RunsResponse> {
    return getJson(apiPaths(isStaticSite()).runs());
  },
  /** The tracking store's experiments (with @kiln/tracking). */
  experiments(): Promise<ExperimentsResponse> {
    return getJson(apiPaths(isStaticSite()).experiments());
  },
  /**
   * An experiment's runs (null: the one `kiln run` records into) meeting `filter`, in `orderBy`'s
   * order. A static site has each experiment's newest runs unfiltered (the page sorts them; filters
   * need the server).
   */
  async trackedRuns(
    experiment: string | null,
    query: { filter?: string; orderBy?: string; limit?: number } = {},
  ): Promise<TrackedRunsResponse> {
    if (!isStaticSite()) return getJson(apiPaths(false).trackedRuns(experiment, query));
    const name = experiment ?? (await api.experiments()).defaultExperiment;
    return getJson(apiPaths(true).trackedRuns(name));
  },
  trackedRun(id: string): Promise<TrackedRunDetails> {
    return getJson(apiPaths(isStaticSite()).trackedRun(id));
  },
  /** Runs side by side: the server compares, or, on a static site, the page from each run's file. */
  async compare(ids: readonly string[]): Promise<CompareResponse> {
    if (!isStaticSite()) return getJson(apiPaths(false).compare(ids));
    return compareRuns(await Promise.all(ids.map((id) => api.trackedRun(id))));
  },
  /** Server-sent events of `--autoreload`; nothing on a static site. */
  events(onReload: () => void, onError: (message: string) => void): () => void {
    if (isStaticSite() || typeof EventSource === "undefined") return () => {};
    const source = new EventSource("api/events");
    source.addEventListener("reload", () => onReload());
    source.addEventListener("reload-error", (event) => {
      const data = JSON.parse((event as MessageEvent).data) as { message?: string };
      onError(data.message ?? "The project failed to reload.");
    });
    return () => source.close();
  },
};

/** What the Experiments view reads (the page passes {@link api}; component tests a stand-in). */
export type ExperimentsClient = Pick<typeof api, "experiments" | "trackedRuns" | "trackedRun" | "compare">;
