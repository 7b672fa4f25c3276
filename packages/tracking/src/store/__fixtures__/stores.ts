// Real stores for tests: a SQLite file in a temp folder, and fresh databases on a private PostgreSQL
// server on 127.0.0.1 (test/support/postgres-server.ts starts it; it fails, never skips, without
// PostgreSQL installed).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type PostgresServer, startPostgres } from "../../../../../test/support/postgres-server.js";
import { displayUri, openStore, type StoreTarget } from "../open-store.js";
import type { TrackingStore } from "../types.js";

/** Makes stores of one kind: each `target()` is a new, empty database. */
export interface StoreFactory {
  kind: "sqlite" | "postgresql";
  target(): Promise<StoreTarget>;
  open(target?: StoreTarget): Promise<TrackingStore>;
  stop(): Promise<void>;
}

let databases = 0;

/** SQLite files in one temp folder. */
export async function sqliteFactory(): Promise<StoreFactory> {
  const dir = await mkdtemp(join(tmpdir(), "kiln-tracking-store-"));
  const target = async (): Promise<StoreTarget> => {
    const path = join(dir, `store-${++databases}.db`);
    return { kind: "sqlite", path, display: `sqlite:///${path}` };
  };
  return {
    kind: "sqlite",
    target,
    open: async (t) => openStore(t ?? (await target())),
    stop: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Databases on one PostgreSQL server started for the test file; `password` lets a test use a canary. */
export async function postgresFactory(password?: string): Promise<StoreFactory & { server: PostgresServer }> {
  const server = await startPostgres(password ? { password } : {});
  const target = async (): Promise<StoreTarget> => {
    const name = `tracking_${process.pid}_${++databases}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const uri = server.url.replace(/\/[^/]+$/, `/${name}`);
    return { kind: "postgresql", uri, display: displayUri(uri), secrets: [server.password] };
  };
  return {
    kind: "postgresql",
    server,
    target,
    open: async (t) => openStore(t ?? (await target())),
    stop: () => server.stop(),
  };
}
