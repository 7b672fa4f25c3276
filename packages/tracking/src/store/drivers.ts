// The database drivers, imported on first use: `kiln run` in a project that tracks into SQLite never
// loads pg, and commands that do not track load neither.
import { TrackingError } from "../errors.js";

export type SqliteModule = typeof import("better-sqlite3");
export type PgModule = typeof import("pg");

const INSTALL = {
  "better-sqlite3": {
    what: "A SQLite tracking store",
    install: "npm install better-sqlite3@12",
    note: " It compiles a native module: it needs python3, make and a C++ compiler, and npm must be allowed to run its install script (`npm install-scripts approve better-sqlite3`, then `npm rebuild better-sqlite3`).",
  },
  pg: { what: "A PostgreSQL tracking store", install: "npm install pg@8", note: "" },
} as const;

const loaded = new Map<string, Promise<unknown>>();

/**
 * Imports a driver once per process.
 * @throws TrackingError `KILN_TRACKING_DRIVER_MISSING` with the install command.
 */
export function loadDriver<T>(name: keyof typeof INSTALL): Promise<T> {
  let promise = loaded.get(name);
  if (!promise) {
    promise = import(name).then(
      (mod: { default?: unknown }) => mod.default ?? mod,
      (error: unknown) => {
        const driver = INSTALL[name];
        throw new TrackingError(
          "KILN_TRACKING_DRIVER_MISSING",
          `${driver.what} needs the "${name}" package, which could not be loaded: ${(error as Error).message}`,
          { cause: error, hint: `Install it in the project: ${driver.install}.${driver.note}` },
        );
      },
    );
    promise.catch(() => loaded.delete(name)); // retried after an install
    loaded.set(name, promise);
  }
  return promise as Promise<T>;
}
