import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataCatalog, MemoryDataset } from "kiln";
import pl from "nodejs-polars";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTable } from "./read-table.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-read-table-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const frame = pl.DataFrame({ a: [1, 2], b: ["x", "y"] });

describe("readTable", () => {
  it("reads CSV, Parquet, JSON records and JSON Lines files, relative to cwd", async () => {
    await writeFile(join(dir, "t.csv"), "a,b\n1,x\n2,y\n");
    frame.writeParquet(join(dir, "t.parquet"));
    await writeFile(
      join(dir, "t.json"),
      JSON.stringify([
        { a: 1, b: "x" },
        { a: 2, b: "y" },
      ]),
    );
    await writeFile(join(dir, "t.jsonl"), '{"a": 1, "b": "x"}\n{"a": 2, "b": "y"}\n');
    for (const file of ["t.csv", "t.parquet", "t.json", "t.jsonl"]) {
      const read = await readTable(pl, file, { flag: "--current", cwd: dir });
      expect(read.frame.toRecords()).toEqual([
        { a: 1, b: "x" },
        { a: 2, b: "y" },
      ]);
      expect(read.source).toBe(join(dir, file));
    }
  });

  it("concatenates a folder's files, matching columns by name", async () => {
    const parts = join(dir, "parts", "day=1");
    await mkdir(parts, { recursive: true });
    frame.writeParquet(join(parts, "p1.parquet"));
    pl.DataFrame({ b: ["z"], a: [3], extra: [true] }).writeParquet(join(parts, "p2.parquet"));
    await writeFile(join(dir, "parts", "notes.txt"), "not a table");
    const read = await readTable(pl, join(dir, "parts"), { flag: "--current", cwd: "/" });
    expect(read.frame.height).toBe(3);
    expect(read.frame.getColumn("a").toArray()).toEqual([1, 2, 3]);
    expect(read.source).toBe(`${join(dir, "parts")} (2 files)`);
  });

  it("loads a catalog dataset by name, and refuses one that holds no DataFrame", async () => {
    const catalog = new DataCatalog({
      rows: new MemoryDataset(frame, { copyMode: "assign" }),
      note: new MemoryDataset("hi"),
    });
    const read = await readTable(pl, "rows", {
      flag: "--current",
      cwd: dir,
      openCatalog: async () => catalog,
    });
    expect(read.source).toBe("dataset rows");
    await expect(
      readTable(pl, "note", { flag: "--current", cwd: dir, openCatalog: async () => catalog }),
    ).rejects.toMatchObject({
      code: "KILN_MONITOR_BAD_SOURCE",
      message: "--current note: the dataset does not hold a DataFrame.",
    });
  });

  it("KILN_MONITOR_BAD_SOURCE: nothing of that name (with a close dataset), an empty folder, a broken file", async () => {
    const catalog = new DataCatalog({ served_inputs: new MemoryDataset(frame, { copyMode: "assign" }) });
    await expect(
      readTable(pl, "served_input", { flag: "--current", cwd: dir, openCatalog: async () => catalog }),
    ).rejects.toMatchObject({
      code: "KILN_MONITOR_BAD_SOURCE",
      message: "--current served_input: no such file or folder, and no dataset of that name in the catalog.",
      hint: 'Did you mean the dataset "served_inputs"?',
    });
    await expect(readTable(pl, "nowhere.csv", { flag: "--reference", cwd: dir })).rejects.toMatchObject({
      message:
        "--reference nowhere.csv: no such file or folder (and no Kiln project here whose catalog could name it).",
    });
    await mkdir(join(dir, "empty"));
    await expect(readTable(pl, "empty", { flag: "--current", cwd: dir })).rejects.toMatchObject({
      message: expect.stringContaining("the folder holds no .csv, .parquet, .json or .jsonl file"),
    });
    await writeFile(join(dir, "bad.parquet"), "not parquet");
    await expect(readTable(pl, "bad.parquet", { flag: "--current", cwd: dir })).rejects.toMatchObject({
      code: "KILN_MONITOR_BAD_SOURCE",
      message: expect.stringMatching(/^--current .*bad\.parquet: cannot be read as \.parquet \(/),
    });
  });
});
