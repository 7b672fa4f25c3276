// The database drivers, imported on first use: a project that declares no SQL dataset never loads
// them, and one that lacks a driver gets the install command.
import { DatasetError } from "kiln";

export type SqliteModule = typeof import("better-sqlite3");
export type PgModule = typeof import("pg");

/** What each driver is, how to install it, and what it needs to build. */
const DRIVERS = {
  "better-sqlite3": {
    what: "SQLite",
    install: "npm install better-sqlite3@12",
    note: " It compiles a native module: it needs python3, make and a C++ compiler, and npm must be allowed to run its install script (`npm install-scripts approve better-sqlite3`, then `npm rebuild better-sqlite3`).",
  },
  pg: { what: "PostgreSQL", install: "npm install pg@8", note: "" },
} as const;

export type DriverName = keyof typeof DRIVERS;

/** The error for a driver that cannot be imported or whose native part is missing. */
export function driverMissing(name: DriverName, error: unknown): DatasetError {
  const driver = DRIVERS[name];
  return new DatasetError(
    "KILN_SQL_DRIVER_MISSING",
    `${driver.what} connections need the "${name}" package, which could not be loaded: ${(error as Error).message}`,
    { cause: error, hint: `Install it in the project: ${driver.install}.${driver.note}` },
  );
}

const loaded = new Map<DriverName, Promise<unknown>>();

function importDriver(name: DriverName, importer: (name: DriverName) => Promise<unknown>): Promise<unknown> {
  return importer(name).then(
    (mod) => (mod as { default?: unknown }).default ?? mod,
    (error: unknown) => {
      throw driverMissing(name, error);
    },
  );
}

/**
 * Imports a driver, once per process. `importer` replaces `import()` (tests; not cached).
 * @throws DatasetError `KILN_SQL_DRIVER_MISSING` with the install command.
 */
export function loadDriver<T>(
  name: DriverName,
  importer?: (name: DriverName) => Promise<unknown>,
): Promise<T> {
  if (importer) return importDriver(name, importer) as Promise<T>;
  let promise = loaded.get(name);
  if (!promise) {
    promise = importDriver(name, (n) => import(n));
    promise.catch(() => loaded.delete(name)); // a failed import is retried next time (after an install)
    loaded.set(name, promise);
  }
  return promise as Promise<T>;
}
