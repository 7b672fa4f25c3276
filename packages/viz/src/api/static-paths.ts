// Where the page finds each API answer: the server's routes, or the files `kiln viz build` writes.
// Shared by the server, the static build and the React app.

/** A file name for an id: letters, digits, `_`, `.` and `-` kept, any other character as `~hex~`. */
export function fileKey(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, (c) => `~${c.codePointAt(0)!.toString(16)}~`);
}

const staticPaths = {
  main: () => "api/main.json",
  pipeline: (id: string) => `api/pipelines/${fileKey(id)}.json`,
  node: (id: string) => `api/nodes/${fileKey(id)}.json`,
  runs: () => "api/runs.json",
  experiments: () => "api/experiments.json",
  /** A static site has each experiment's newest runs, unfiltered: the page sorts them itself. */
  trackedRuns: (experiment: string) => `api/experiments/lists/${fileKey(experiment)}.json`,
  trackedRun: (id: string) => `api/experiments/runs/${fileKey(id)}.json`,
};

const serverPaths = {
  main: () => "api/main",
  pipeline: (id: string) => `api/pipelines/${encodeURIComponent(id)}`,
  node: (id: string, pipeline?: string) =>
    `api/nodes/${encodeURIComponent(id)}${pipeline ? `?pipeline=${encodeURIComponent(pipeline)}` : ""}`,
  runs: () => "api/runs",
  experiments: () => "api/experiments",
  /** `experiment` null: the one `kiln run` records into. */
  trackedRuns: (
    experiment: string | null,
    query: { filter?: string; orderBy?: string; limit?: number } = {},
  ) => {
    const params = new URLSearchParams(experiment === null ? {} : { experiment });
    if (query.filter) params.set("filter", query.filter);
    if (query.orderBy) params.set("order_by", query.orderBy);
    if (query.limit !== undefined) params.set("limit", String(query.limit));
    const text = params.toString();
    return `api/experiments/runs${text ? `?${text}` : ""}`;
  },
  trackedRun: (id: string) => `api/experiments/runs/${encodeURIComponent(id)}`,
  compare: (ids: readonly string[]) =>
    `api/experiments/compare?runs=${ids.map(encodeURIComponent).join(",")}`,
};

/** The API paths the page reads, relative to the page, for a live server or a static build. */
export function apiPaths(staticSite: true): typeof staticPaths;
export function apiPaths(staticSite: false): typeof serverPaths;
export function apiPaths(staticSite: boolean): typeof staticPaths | typeof serverPaths;
export function apiPaths(staticSite: boolean): typeof staticPaths | typeof serverPaths {
  return staticSite ? staticPaths : serverPaths;
}
