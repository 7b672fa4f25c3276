import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

let version: string | undefined;

/** The installed Kiln's version (what `GET /version` answers; MLflow answers its own version). */
export function serveVersion(): string {
  if (version !== undefined) return version;
  const require = createRequire(import.meta.url);
  for (const manifest of ["kiln/package.json", "@kiln/serve/package.json"]) {
    try {
      version = (JSON.parse(readFileSync(require.resolve(manifest), "utf8")) as { version: string }).version;
      return version;
    } catch {
      // not resolvable from here: try the next
    }
  }
  version = "unknown";
  return version;
}
