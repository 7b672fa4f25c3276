import { isAbsolute, relative, resolve } from "node:path";
import { TrackingError } from "../errors.js";
import { migrate } from "./migrations.js";
import { SqlStore } from "./sql-store.js";
import type { TrackingStore } from "./types.js";

/** Where a store is, parsed from its URI. */
export type StoreTarget =
  | { kind: "sqlite"; path: string; display: string }
  | { kind: "postgresql"; uri: string; display: string; secrets: string[] };

const HINT =
  "Write store.uri as sqlite:///.kiln/tracking.db (relative to the project), sqlite:////absolute/path.db, " +
  "or name a credentials.yml entry holding `con: postgresql://user:password@host:5432/database` in store.credentials.";

const MASK = "__kiln_masked__";

/** A PostgreSQL URL as messages show it: the user kept, the password and secret-looking options `***`. */
export function displayUri(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return uri.replace(/\/\/([^:/@]*):[^@]*@/, "//$1:***@");
  }
  if (url.password) url.password = MASK;
  for (const key of [...url.searchParams.keys()])
    if (/pass|secret|token|key/i.test(key)) url.searchParams.set(key, MASK);
  return url.href.replaceAll(MASK, "***");
}

/**
 * Parses a store URI: `sqlite:///relative.db` (against `projectRoot`), `sqlite:////absolute.db`, a
 * bare file path, or `postgresql://` (`postgres://`). `where` says where the URI came from.
 * @throws TrackingError `KILN_TRACKING_BAD_STORE_URI`.
 */
export function parseStoreUri(uri: string, projectRoot: string, where: string): StoreTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) return sqliteAt(resolve(projectRoot, uri), projectRoot);
  if (scheme === "postgresql" || scheme === "postgres") {
    let password = "";
    try {
      password = decodeURIComponent(new URL(uri).password);
    } catch {
      throw new TrackingError(
        "KILN_TRACKING_BAD_STORE_URI",
        `${where}: ${displayUri(uri)} is not a valid PostgreSQL URL.`,
        {
          hint: `${HINT} Percent-encode @ : / % in the user or password.`,
        },
      );
    }
    return { kind: "postgresql", uri, display: displayUri(uri), secrets: password ? [password] : [] };
  }
  if (scheme === "sqlite") {
    const rest = uri.slice("sqlite://".length);
    if (!rest.startsWith("/") || rest === "/" || rest.includes(":memory:")) {
      throw new TrackingError(
        "KILN_TRACKING_BAD_STORE_URI",
        `${where}: ${uri} names no SQLite file (a store must outlive the run, so :memory: cannot be one).`,
        { hint: HINT },
      );
    }
    const path = rest.slice(1);
    return sqliteAt(isAbsolute(path) ? path : resolve(projectRoot, path), projectRoot);
  }
  throw new TrackingError(
    "KILN_TRACKING_BAD_STORE_URI",
    `${where}: the store ${displayUri(uri)} uses "${scheme}://", which is no tracking store.`,
    { hint: HINT },
  );
}

function sqliteAt(path: string, projectRoot: string): StoreTarget {
  const inside = relative(projectRoot, path);
  const shown = inside && !inside.startsWith("..") && !isAbsolute(inside) ? inside : path;
  return { kind: "sqlite", path, display: `sqlite:///${shown}` };
}

/**
 * Opens the store and brings its schema up to date. Close it when done (a PostgreSQL pool also
 * lets the process exit on its own once idle).
 * @throws TrackingError when the driver is missing, the store is unreachable or its schema too new.
 */
export async function openStore(target: StoreTarget): Promise<TrackingStore> {
  const driver =
    target.kind === "sqlite"
      ? await (await import("./sqlite-driver.js")).SqliteDriver.open(target.path, target.display)
      : await (await import("./postgres-driver.js")).PostgresDriver.open(
          target.uri,
          target.display,
          target.secrets,
        );
  try {
    await migrate(driver);
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
  return new SqlStore(driver);
}
