// Where the page finds each API answer: the server's routes, or the files `kiln viz build` writes.
// Shared by the server, the static build and the React app.

/** A file name for an id: letters, digits, `_`, `.` and `-` kept, any other character as `~hex~`. */
export function fileKey(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, (c) => `~${c.codePointAt(0)!.toString(16)}~`);
}

/** The API paths the page reads, relative to the page, for a live server or a static build. */
export function apiPaths(staticSite: boolean) {
  return staticSite
    ? {
        main: () => "api/main.json",
        pipeline: (id: string) => `api/pipelines/${fileKey(id)}.json`,
        node: (id: string) => `api/nodes/${fileKey(id)}.json`,
        runs: () => "api/runs.json",
      }
    : {
        main: () => "api/main",
        pipeline: (id: string) => `api/pipelines/${encodeURIComponent(id)}`,
        node: (id: string, pipeline?: string) =>
          `api/nodes/${encodeURIComponent(id)}${pipeline ? `?pipeline=${encodeURIComponent(pipeline)}` : ""}`,
        runs: () => "api/runs",
      };
}
