// The SQL datasets against real databases: SQLite files in temp folders, and a PostgreSQL server
// started on 127.0.0.1 for this file.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type PostgresServer, startPostgres } from "../../../../test/support/postgres-server.js";
import { SQLQueryDataset } from "./sql-query-dataset.js";
import { SQLTableDataset } from "./sql-table-dataset.js";

let server: PostgresServer;
let dir: string;
let n = 0;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-sql-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A table name no other test uses (the PostgreSQL database is shared by the file). */
const unique = (base: string) => `${base}_${++n}`;
const utc = (...parts: [number, number, number, number?, number?, number?, number?]) =>
  new Date(Date.UTC(...parts));

const frame = () =>
  pl.DataFrame([
    pl.Series("id", [1, 2, 3], pl.Int64),
    pl.Series("small", [1, null, -3], pl.Int32),
    pl.Series("price", [1.5, null, -2.25], pl.Float64),
    pl.Series("name", ["a", "b,c'd", null], pl.Utf8),
    pl.Series("ok", [true, null, false], pl.Bool),
    pl.Series("day", [utc(2024, 0, 2), null, utc(1969, 11, 31)], pl.Date),
    pl.Series("at", [utc(2024, 0, 2, 3, 4, 5, 678), null, new Date(0)], pl.Datetime("ms")),
  ]);

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string; hint?: string },
  );
  if (!error) throw new Error("expected a failure");
  return error;
}

interface Db {
  name: string;
  con: () => string;
  /** The query that lists leftover temporary tables. */
  tempTables: string;
  /** Positional placeholders in the database's own style. */
  positional: string;
  dtypes: Record<string, string>;
}

const dbs: Db[] = [
  {
    name: "SQLite",
    con: () => `sqlite:///${join(dir, "db.sqlite")}`,
    tempTables: "SELECT name FROM sqlite_master WHERE name LIKE 'kiln_tmp%'",
    positional: "SELECT name FROM {t} WHERE id >= ? AND id <= ?",
    dtypes: {
      id: "Int64",
      small: "Int64",
      price: "Float64",
      name: "String",
      ok: "Bool",
      day: "Date",
      at: "Datetime",
    },
  },
  {
    name: "PostgreSQL",
    con: () => server.url,
    tempTables: "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'kiln_tmp%'",
    positional: "SELECT name FROM {t} WHERE id >= $1 AND id <= $2",
    dtypes: {
      id: "Int64",
      small: "Int32",
      price: "Float64",
      name: "String",
      ok: "Bool",
      day: "Date",
      at: "Datetime",
    },
  },
];

describe.each(dbs)("$name", (db) => {
  const table = (table_name: string, extra: Record<string, unknown> = {}) =>
    new SQLTableDataset({ table_name, credentials: { con: db.con() }, ...extra });
  const query = (sql: string, extra: Record<string, unknown> = {}) =>
    new SQLQueryDataset({ sql, credentials: { con: db.con() }, ...extra });

  it("round-trips integers, floats, text, booleans, dates, timestamps and nulls", async () => {
    const dataset = table(unique("types"));
    expect(await dataset.exists()).toBe(false);
    await dataset.save(frame());
    expect(await dataset.exists()).toBe(true);
    const back = await dataset.load();
    expect(Object.fromEntries(back.columns.map((c) => [c, back.getColumn(c).dtype.variant]))).toEqual(
      db.dtypes,
    );
    expect(back.toRecords()).toEqual(frame().toRecords());
  });

  it("keeps 64-bit integers exact, and stores zoned timestamps as UTC instants", async () => {
    const dataset = table(unique("wide"));
    const big = pl.Series("big", ["9007199254740993", "-9223372036854775808", null]).cast(pl.Int64);
    const zoned = pl.Series("zoned", [utc(2024, 5, 1, 12), null, null], pl.Datetime("ms", "UTC"));
    await dataset.save(pl.DataFrame([big, zoned]));
    const back = await dataset.load();
    expect(back.getColumn("big").cast(pl.Utf8).toArray()).toEqual([
      "9007199254740993",
      "-9223372036854775808",
      null,
    ]);
    expect(back.getColumn("zoned").toArray()[0]).toEqual(utc(2024, 5, 1, 12));
  });

  it("quotes table and column names, so any name is safe", async () => {
    const name = unique('we"ird; DROP TABLE x; --');
    const dataset = table(name);
    await dataset.save(pl.DataFrame({ 'a "b"': [1], "Mixed Case": ["x"] }));
    expect((await dataset.load()).toRecords()).toEqual([{ 'a "b"': 1, "Mixed Case": "x" }]);
  });

  it("refuses to overwrite an existing table by default (if_exists: fail)", async () => {
    const name = unique("once");
    await table(name).save(frame());
    const error = await failure(table(name).save(pl.DataFrame({ other: [1] })));
    expect(error.code).toBe("KILN_SQL_TABLE_EXISTS");
    expect(error.message).toContain(`table "${name}" already exists`);
    expect(error.hint).toContain("if_exists: replace");
    expect((await table(name).load()).height).toBe(3);
  });

  it("replaces a table atomically: a failure mid-save leaves the previous table", async () => {
    const name = unique("swap");
    const replace = table(name, { save_args: { if_exists: "replace", chunksize: 1 } });
    await replace.save(frame());
    // The last value does not fit a signed 64-bit column: rows before it are already inserted.
    const bad = pl.DataFrame([pl.Series("n", ["1", "2", "18446744073709551615"]).cast(pl.UInt64)]);
    const error = await failure(replace.save(bad));
    expect(error.code).toBe("KILN_SQL_FAILED");
    expect((await replace.load()).toRecords()).toEqual(frame().toRecords());
    expect((await query(db.tempTables).load()).height).toBe(0);
    await replace.save(pl.DataFrame({ n: [7, 8] }));
    expect((await replace.load()).toRecords()).toEqual([{ n: 7 }, { n: 8 }]);
  });

  it("appends rows, and names columns the table does not have", async () => {
    const name = unique("log");
    const append = table(name, { save_args: { if_exists: "append" } });
    await append.save(pl.DataFrame({ id: [1], note: ["a"] }));
    await append.save(pl.DataFrame({ note: ["b"], id: [2] }));
    expect((await append.load()).toRecords()).toEqual([
      { id: 1, note: "a" },
      { id: 2, note: "b" },
    ]);
    const error = await failure(append.save(pl.DataFrame({ id: [3], extra: [true] })));
    expect(error.code).toBe("KILN_SQL_COLUMNS_MISMATCH");
    expect(error.message).toContain('it has no column "extra" (its columns: "id", "note")');
    expect((await append.load()).height).toBe(2);
  });

  it("names a missing table and the close ones", async () => {
    const name = unique("shuttles");
    await table(name).save(frame());
    const error = await failure(table(name.replace("shuttles", "shutles")).load());
    expect(error.code).toBe("KILN_SQL_NO_TABLE");
    expect(error.message).toContain(`Table "${name.replace("shuttles", "shutles")}" does not exist`);
    expect(error.hint).toBe(`Did you mean "${name}"?`);
  });

  it("loads the columns load_args.columns names, and names one the table lacks", async () => {
    const name = unique("cols");
    await table(name).save(frame());
    const picked = await table(name, { load_args: { columns: ["name", "id"] } }).load();
    expect(picked.columns).toEqual(["name", "id"]);
    const error = await failure(table(name, { load_args: { columns: ["nmae"] } }).load());
    expect(error.code).toBe("KILN_TABLE_BAD_ARG");
    expect(error.message).toContain('load_args.columns names "nmae"');
    expect(error.hint).toBe('Did you mean "name"?');
  });

  it("previews the first rows, the schema and the row count", async () => {
    const name = unique("preview");
    const ids = pl.Series(
      "id",
      Array.from({ length: 25 }, (_, i) => i),
      pl.Int64,
    );
    await table(name).save(
      pl.DataFrame([ids, pl.Series("day", Array(25).fill(utc(2024, 0, 1)), pl.Datetime("ms"))]),
    );
    const preview = await table(name).preview({ rows: 3 });
    expect(preview).toMatchObject({ kind: "table", rowCount: 25, schema: { id: "Int64", day: "Datetime" } });
    expect(preview.data).toEqual([0, 1, 2].map((id) => ({ id, day: "2024-01-01T00:00:00.000Z" })));
    const fromQuery = await query(`SELECT id FROM "${name}" WHERE id >= :min;`, {
      load_args: { params: { min: 20 } },
    }).preview({ rows: 2 });
    expect(fromQuery).toMatchObject({ rowCount: 5, data: [{ id: 20 }, { id: 21 }] });
  });

  it("checks validate: rules on save (before writing) and on load", async () => {
    const name = unique("checked");
    const rules = { columns: { price: { min: 0 } } };
    const error = await failure(table(name, { validate: rules }).save(frame()));
    expect(error.code).toBe("KILN_TABLE_VALIDATION");
    expect(error.message).toContain(`table "${name}"`);
    expect(error.message).toContain('column "price", rule min: 1 value below 0');
    expect(await table(name).exists()).toBe(false);
    await table(name).save(frame());
    const onLoad = await failure(table(name, { validate: { ...rules, on: "load" } }).load());
    expect(onLoad.code).toBe("KILN_TABLE_VALIDATION");
    expect(onLoad.message).toContain("failed validation on load");
  });

  it("refuses what is not a DataFrame, and columns with no SQL type", async () => {
    const dataset = table(unique("bad"));
    expect((await failure(dataset.save([{ a: 1 }] as never))).code).toBe("KILN_TABLE_NOT_A_DATAFRAME");
    const error = await failure(dataset.save(pl.DataFrame({ tags: [[1, 2], [3]] })));
    expect(error.code).toBe("KILN_SQL_UNSUPPORTED_TYPE");
    expect(error.message).toContain('Column "tags" is List');
    expect(await dataset.exists()).toBe(false);
  });

  it("creates columns with the SQL types save_args.dtype gives", async () => {
    const name = unique("typed");
    await table(name, { save_args: { dtype: { code: "VARCHAR(8)" } } }).save(
      pl.DataFrame({ code: ["AB1"], n: [1] }),
    );
    const back = await table(name).load();
    expect(back.getColumn("code").dtype.variant).toBe("String");
    expect(back.toRecords()).toEqual([{ code: "AB1", n: 1 }]);
  });

  describe("queries", () => {
    it("load a .sql file with :name parameters bound, and positional ones in the database's style", async () => {
      const name = unique("q");
      await table(name).save(frame());
      const file = join(dir, "top.sql");
      await writeFile(
        file,
        `-- ids in a range\nSELECT id, name\nFROM "${name}"\nWHERE id >= :low AND (name IS NULL OR name <> ':low')\nORDER BY id;\n`,
      );
      const named = new SQLQueryDataset({
        filepath: file,
        credentials: { con: db.con() },
        load_args: { params: { low: 2 } },
      });
      expect((await named.load()).toRecords()).toEqual([
        { id: 2, name: "b,c'd" },
        { id: 3, name: null },
      ]);
      expect(await named.exists()).toBe(true);
      const positional = query(db.positional.replace("{t}", `"${name}"`), { load_args: { params: [1, 1] } });
      expect((await positional.load()).toRecords()).toEqual([{ name: "a" }]);
    });

    it("name the .sql file and line of a syntax error", async () => {
      await table(unique("exists")).save(frame()); // the SQLite file exists
      const file = join(dir, "broken.sql");
      await writeFile(file, "SELECT id,\n       name\nFORM shuttles\nWHERE id > 1\n");
      const error = await failure(
        new SQLQueryDataset({ filepath: file, credentials: { con: db.con() } }).load(),
      );
      expect(error.code).toBe("KILN_SQL_SYNTAX");
      expect(error.message).toContain(`SQL syntax error in ${file}:3:`);
      expect(error.message).toContain("3 | FORM shuttles");
      const inline = await failure(query("SELECT 1 +").load());
      expect(inline.code).toBe("KILN_SQL_SYNTAX");
      expect(inline.message).toContain("SQL syntax error in the query (line 1)");
    });

    it("name a missing table with close names, and duplicate result columns", async () => {
      const name = unique("companies");
      await table(name).save(frame());
      const error = await failure(query(`SELECT * FROM "${name}s"`).load());
      expect(error.code).toBe("KILN_SQL_NO_TABLE");
      expect(error.hint).toBe(`Did you mean "${name}"?`);
      const twice = await failure(query(`SELECT id, name AS id FROM "${name}"`).load());
      expect(twice.code).toBe("KILN_SQL_DUPLICATE_COLUMN");
    });

    it("are read-only", async () => {
      const error = await failure(query("SELECT 1 AS x").save(frame() as never));
      expect(error.code).toBe("KILN_SQL_READ_ONLY");
      expect(error.hint).toContain("sql.SQLTableDataset");
    });
  });
});
