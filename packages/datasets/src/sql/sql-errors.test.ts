// Connection errors, secrets kept out of every message, the catalog, and the drivers' lazy loading.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { createCatalog, createDefaultRegistry, createLogger, type Logger } from "kiln";
import pl from "nodejs-polars";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type PostgresServer, startPostgres } from "../../../../test/support/postgres-server.js";
import { datasetTypes } from "../plugin.js";
import { loadDriver } from "./drivers.js";
import { SQLQueryDataset } from "./sql-query-dataset.js";
import { SQLTableDataset } from "./sql-table-dataset.js";

const CANARY = "canary-Pw-9f3b2e";
let server: PostgresServer;
let dir: string;
beforeAll(async () => {
  server = await startPostgres({ password: CANARY });
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-sql-errors-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Failure = Error & { code?: string; hint?: string };

async function failure(promise: Promise<unknown>): Promise<Failure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Failure,
  );
  if (!error) throw new Error("expected a failure");
  return error;
}

/** Everything an error could show: messages, hints, stacks and inspections down its cause chain. */
function everything(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as (Failure & { cause?: unknown }) | undefined; e; e = e.cause as typeof e) {
    parts.push(String(e.message), String(e.hint ?? ""), String(e.stack ?? ""), inspect(e, { depth: 5 }));
  }
  return parts.join("\n");
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe("PostgreSQL connection errors", () => {
  it("names host:port of an unreachable server, with a hint", async () => {
    const port = await closedPort();
    const con = `postgresql://kiln:${CANARY}@127.0.0.1:${port}/kiln`;
    const error = await failure(new SQLTableDataset({ table_name: "t", credentials: { con } }).load());
    expect(error.code).toBe("KILN_SQL_UNREACHABLE");
    expect(error.message).toBe(`Could not reach PostgreSQL at 127.0.0.1:${port} (connection refused).`);
    expect(error.hint).toContain(`pg_isready -h 127.0.0.1 -p ${port}`);
    expect(everything(error)).not.toContain(CANARY);
  });

  it("reports a refused login and a missing database without the password", async () => {
    const wrong = "wrong-Canary-77aa";
    const login = await failure(
      new SQLTableDataset({
        table_name: "t",
        credentials: { con: server.url.replace(encodeURIComponent(CANARY), wrong) },
      }).exists(),
    );
    expect(login.code).toBe("KILN_SQL_CONNECT");
    expect(login.message).toContain('refused the login: password authentication failed for user "kiln"');
    expect(everything(login)).not.toContain(wrong);
    const database = await failure(
      new SQLTableDataset({
        table_name: "t",
        credentials: { con: server.url.replace(/\/kiln$/, "/nowhere") },
      }).load(),
    );
    expect(database.code).toBe("KILN_SQL_NO_DATABASE");
    expect(database.message).toContain('database "nowhere" does not exist');
    expect(everything(database)).not.toContain(CANARY);
  });
});

describe("credentials", () => {
  it("never appear in describe(), inspection or errors", async () => {
    const dataset = new SQLTableDataset({ table_name: "t", credentials: { con: server.url } });
    const query = new SQLQueryDataset({ sql: "SELEC 1", credentials: { con: server.url } });
    expect(server.url).toContain(encodeURIComponent(CANARY)); // the canary is really in use
    for (const shown of [
      JSON.stringify(dataset.describe()),
      inspect(dataset, { depth: 5 }),
      JSON.stringify(dataset),
    ]) {
      expect(shown).not.toContain(CANARY);
      expect(shown).not.toContain(encodeURIComponent(CANARY));
    }
    expect(dataset.describe().con).toBe(`postgresql://kiln:***@127.0.0.1:${server.port}/kiln`);
    for (const error of [await failure(dataset.load()), await failure(query.load())]) {
      expect(["KILN_SQL_NO_TABLE", "KILN_SQL_SYNTAX"]).toContain(error.code);
      expect(everything(error)).not.toContain(CANARY);
    }
    const badPort = await failure(
      Promise.resolve().then(
        () =>
          new SQLTableDataset({
            table_name: "t",
            credentials: { con: `postgresql://kiln:${CANARY}@h:99999/db` },
          }),
      ),
    );
    expect(badPort.code).toBe("KILN_SQL_BAD_CONNECTION");
    expect(everything(badPort)).not.toContain(CANARY);
  });

  it("stay out of the catalog's logs and errors", async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => lines.push(args.map((a) => inspect(a, { depth: 5 })).join(" "));
    const logger = {
      ...createLogger({ level: "silent" }),
      debug: capture,
      info: capture,
      warn: capture,
      error: capture,
    } as Logger;
    const registry = createDefaultRegistry();
    for (const [name, type] of Object.entries(datasetTypes)) registry.register(name, type);
    const catalog = await createCatalog({
      catalog: {
        shuttles: {
          type: "pandas.SQLTableDataset",
          table_name: "shuttles",
          credentials: "db",
          save_args: { if_exists: "replace", index: false },
        },
        missing: { type: "sql.SQLTableDataset", table_name: "nope", credentials: "db" },
      },
      credentials: { db: { con: server.url } },
      registry,
      projectPath: dir,
      logger,
    });
    await catalog.save("shuttles", pl.DataFrame({ id: [1, 2] }));
    expect(((await catalog.load("shuttles")) as pl.DataFrame).height).toBe(2);
    const error = await failure(Promise.resolve(catalog.load("missing")));
    expect(error.code).toBe("KILN_SQL_NO_TABLE");
    expect(error.message).toContain('Could not load dataset "missing"');
    expect(lines.join("\n")).toContain("index is a Kedro option"); // the logger did capture
    expect(`${lines.join("\n")}\n${everything(error)}\n${JSON.stringify(catalog.describe())}`).not.toContain(
      CANARY,
    );
  });
});

describe("SQLite", () => {
  it("resolves a relative database path against the project, through the catalog", async () => {
    const registry = createDefaultRegistry();
    for (const [name, type] of Object.entries(datasetTypes)) registry.register(name, type);
    const catalog = await createCatalog({
      catalog: {
        t: { type: "sql.SQLTableDataset", table_name: "t", credentials: { con: "sqlite:///data/db.sqlite" } },
      },
      registry,
      projectPath: dir,
      logger: createLogger({ level: "silent" }),
    });
    await catalog.save("t", pl.DataFrame({ a: [1] }));
    expect(existsSync(join(dir, "data/db.sqlite"))).toBe(true);
  });

  it("says when the database file is missing, and does not create it on load or exists()", async () => {
    const path = join(dir, "none.sqlite");
    const dataset = new SQLTableDataset({ table_name: "t", credentials: { con: `sqlite:///${path}` } });
    expect(await dataset.exists()).toBe(false);
    const error = await failure(dataset.load());
    expect(error.code).toBe("KILN_SQL_NO_DATABASE");
    expect(error.message).toContain(`The SQLite database ${path} does not exist`);
    expect(existsSync(path)).toBe(false);
  });

  it("shares one in-memory database between the datasets that name it", async () => {
    const con = "sqlite:///:memory:";
    const table = new SQLTableDataset({
      table_name: "mem",
      credentials: { con },
      save_args: { if_exists: "replace" },
    });
    expect(table.ephemeral).toBe(true);
    await Promise.all([table.save(pl.DataFrame({ a: [1, 2] })), table.save(pl.DataFrame({ a: [3, 4, 5] }))]);
    const sum = new SQLQueryDataset({ sql: "SELECT COUNT(*) AS n FROM mem", credentials: { con } });
    expect([2, 3]).toContain((await sum.load()).getColumn("n").toArray()[0]);
  });

  it("previews with LIMIT, not a full load", async () => {
    const path = join(dir, "blob.sqlite");
    const table = new SQLTableDataset({ table_name: "b", credentials: { con: `sqlite:///${path}` } });
    await table.save(pl.DataFrame({ id: [1, 2, 3] }));
    // A blob in the last row: loading it is an error, so a preview of the first rows must not read it.
    const Database = (await import("better-sqlite3")).default;
    const db = new Database(path);
    db.prepare("UPDATE b SET id = ? WHERE id = 3").run(Buffer.from([1, 2]));
    db.close();
    expect((await failure(table.load())).code).toBe("KILN_SQL_UNSUPPORTED_TYPE");
    expect(await table.preview({ rows: 2 })).toMatchObject({ rowCount: 3, data: [{ id: 1 }, { id: 2 }] });
  });
});

describe("drivers", () => {
  it("are a clear error with the install command when missing", async () => {
    const missing = () => Promise.reject(new Error("Cannot find package 'pg'"));
    const pg = await failure(loadDriver("pg", missing));
    expect(pg.code).toBe("KILN_SQL_DRIVER_MISSING");
    expect(pg.message).toContain('PostgreSQL connections need the "pg" package');
    expect(pg.hint).toContain("npm install pg@8");
    const sqlite = await failure(loadDriver("better-sqlite3", missing));
    expect(sqlite.hint).toContain("npm install better-sqlite3@12");
  });

  it("are imported on first use only (the built package)", () => {
    const script = `
      import { createRequire } from "node:module";
      const { SQLTableDataset } = await import("@kiln/datasets");
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).map((p) => p.includes("/better-sqlite3/") ? "sqlite" : p.includes("/pg/") ? "pg" : "").filter(Boolean);
      const before = [...new Set(loaded())];
      await new SQLTableDataset({ table_name: "t", credentials: { con: "sqlite:///:memory:" } }).exists();
      console.log(JSON.stringify({ before, after: [...new Set(loaded())] }));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: new URL("../..", import.meta.url).pathname,
      encoding: "utf8",
    });
    expect(JSON.parse(out)).toEqual({ before: [], after: ["sqlite"] });
  });
});
