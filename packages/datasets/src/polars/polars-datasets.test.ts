import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createCatalog,
  createDefaultRegistry,
  createLogger,
  DataCatalog,
  type Dataset,
  MemoryDataset,
  node,
  pipeline,
  SequentialRunner,
} from "kiln";
import pl from "nodejs-polars";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { datasetTypes } from "../plugin.js";
import { CSVDataset, findRaggedLine } from "./csv-dataset.js";
import { ExcelDataset } from "./excel-dataset.js";
import { IPCDataset } from "./ipc-dataset.js";
import { JSONDataset } from "./json-dataset.js";
import { ParquetDataset } from "./parquet-dataset.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-polars-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const frame = () =>
  pl.DataFrame({
    id: pl.Series("id", [1, 2, 3], pl.Int64),
    price: [1.5, null, 3.25],
    name: ["a", "b,c", null],
    ok: [true, false, null],
  });

function registry() {
  const types = createDefaultRegistry();
  for (const [name, type] of Object.entries(datasetTypes)) types.register(name, type);
  return types;
}

async function catalogOf(
  entries: Record<string, unknown>,
  extra: { loadVersions?: Record<string, string> } = {},
): Promise<DataCatalog> {
  return createCatalog({
    catalog: entries,
    registry: registry(),
    projectPath: dir,
    logger: createLogger({ level: "silent" }),
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string; hint?: string },
  );
  if (!error) throw new Error("expected a failure");
  return error;
}

describe.each([
  ["CSV", (filepath: string) => new CSVDataset({ filepath }), "t.csv"],
  ["Parquet", (filepath: string) => new ParquetDataset({ filepath }), "t.parquet"],
  ["IPC", (filepath: string) => new IPCDataset({ filepath }), "t.arrow"],
  ["IPC by path", (filepath: string) => new IPCDataset({ filepath }), "t.ipc"],
  ["JSON records", (filepath: string) => new JSONDataset({ filepath }), "t.json"],
  [
    "JSON lines",
    (filepath: string) =>
      new JSONDataset({ filepath, load_args: { lines: true }, save_args: { lines: true } }),
    "t.jsonl",
  ],
  ["Excel", (filepath: string) => new ExcelDataset({ filepath }), "t.xlsx"],
] as Array<[string, (filepath: string) => Dataset, string]>)("%s", (_label, make, file) => {
  it("round-trips values, nulls and column order", async () => {
    const dataset = make(join(dir, file));
    expect(await dataset.exists()).toBe(false);
    await dataset.save(frame());
    expect(await dataset.exists()).toBe(true);
    const back = (await dataset.load()) as pl.DataFrame;
    expect(back.columns).toEqual(["id", "price", "name", "ok"]);
    expect(back.toRecords()).toEqual(frame().toRecords());
  });

  it("refuses to save something that is not a DataFrame", async () => {
    const error = await failure(Promise.resolve(make(join(dir, file)).save([{ a: 1 }])));
    expect(error.code).toBe("KILN_TABLE_NOT_A_DATAFRAME");
    expect(error.message).toContain("an array of 1");
  });

  it("previews the first rows, the schema and the row count", async () => {
    const dataset = make(join(dir, file));
    await dataset.save(frame());
    const preview = await dataset.preview!({ rows: 2 });
    expect(preview.kind).toBe("table");
    expect(preview.rowCount).toBe(3);
    expect(preview.data).toHaveLength(2);
    expect(Object.keys(preview.schema!)).toEqual(["id", "price", "name", "ok"]);
  });
});

describe("CSV", () => {
  it("names the line of a row with more fields than the header", async () => {
    await writeFile(join(dir, "ragged.csv"), 'a,b\n1,2\n"x,y",3\n4,5,6\n7,8\n');
    const error = await failure(new CSVDataset({ filepath: join(dir, "ragged.csv") }).load());
    expect(error.code).toBe("KILN_TABLE_RAGGED_CSV");
    expect(error.message).toContain(`${join(dir, "ragged.csv")}:4: this row has 3 fields, the header has 2`);
    expect(error.hint).toContain("truncate_ragged_lines");
    const truncated = await new CSVDataset({
      filepath: join(dir, "ragged.csv"),
      load_args: { truncate_ragged_lines: true },
    }).load();
    expect(truncated.height).toBe(4);
  });

  it("finds ragged lines past quoted separators and newlines", () => {
    expect(findRaggedLine('a,b\n"1\n2,3",4\n5,6,7\n', ",")).toEqual({ line: 4, fields: 3, expected: 2 });
    expect(findRaggedLine("a;b\n1;2\n", ";")).toBeUndefined();
    expect(findRaggedLine("a,b\r\n1,2\r\n\r\n3,4,5", ",")).toEqual({ line: 4, fields: 3, expected: 2 });
  });

  it("reads a CSV whose name does not end in .csv (Polars would take the path for content)", async () => {
    await writeFile(join(dir, "export.txt"), "a,b\n1,x\n");
    expect((await new CSVDataset({ filepath: join(dir, "export.txt") }).load()).toRecords()).toEqual([
      { a: 1, b: "x" },
    ]);
  });

  it("maps Kedro's pandas load_args and save_args", async () => {
    await writeFile(join(dir, "in.csv"), "# note\nid;price;city\n1;NA;Oslo\n2;2.5;Lima\n3;4;Pune\n");
    const dataset = new CSVDataset({
      filepath: join(dir, "in.csv"),
      load_args: {
        sep: ";",
        comment: "#",
        na_values: ["NA"],
        usecols: ["id", "price"],
        dtype: { id: "str" },
        nrows: 2,
      },
      save_args: { sep: "|", header: false },
    });
    const df = await dataset.load();
    expect(df.toRecords()).toEqual([
      { id: "1", price: null },
      { id: "2", price: 2.5 },
    ]);
    await dataset.save(df);
    expect(await readFile(join(dir, "in.csv"), "utf8")).toBe("1|\n2|2.5\n");
  });

  it("rejects a bad argument value with the argument's name", async () => {
    await new CSVDataset({ filepath: join(dir, "x.csv") }).save(frame());
    const error = await failure(
      new CSVDataset({ filepath: join(dir, "x.csv"), load_args: { skip_rows: -1 } }).load(),
    );
    expect(error.code).toBe("KILN_TABLE_BAD_ARG");
    expect(error.message).toContain("skip_rows must be a whole number");
  });
});

describe("Parquet and IPC", () => {
  it("report a truncated file as a read error naming it", async () => {
    const path = join(dir, "t.parquet");
    await new ParquetDataset({ filepath: path }).save(frame());
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 40));
    const error = await failure(new ParquetDataset({ filepath: path }).load());
    expect(error.code).toBe("KILN_TABLE_READ");
    expect(error.message).toContain(`Could not read ${path} as Parquet`);
  });

  it("read selected columns and a row limit", async () => {
    const path = join(dir, "t.arrow");
    await new IPCDataset({ filepath: path, save_args: { compression: "zstd" } }).save(frame());
    const df = await new IPCDataset({ filepath: path, load_args: { columns: ["name"], n_rows: 2 } }).load();
    expect(df.toRecords()).toEqual([{ name: "a" }, { name: "b,c" }]);
  });
});

describe("Excel", () => {
  it("picks a sheet by name or position, and names the sheets when one is missing", async () => {
    const path = join(dir, "book.xlsx");
    await new ExcelDataset({ filepath: path }).save({
      First: frame(),
      Second: pl.DataFrame({ x: [10, 20] }),
    } as never);
    expect(
      (await new ExcelDataset({ filepath: path, load_args: { sheet_name: "Second" } }).load()).toRecords(),
    ).toEqual([{ x: 10 }, { x: 20 }]);
    expect((await new ExcelDataset({ filepath: path, load_args: { sheet_name: 1 } }).load()).height).toBe(2);
    const error = await failure(
      new ExcelDataset({ filepath: path, load_args: { sheet_name: "Secnd" } }).load(),
    );
    expect(error.code).toBe("KILN_TABLE_NO_SHEET");
    expect(error.message).toContain('has no sheet "Secnd"; its sheets: "First", "Second"');
    expect(error.hint).toContain('Did you mean "Second"?');
  });

  it("reads Kedro's spaceflights shuttles.xlsx", async () => {
    const shuttles = new URL("../../../../../shared/data/spaceflights/shuttles.xlsx", import.meta.url)
      .pathname;
    const df = await new ExcelDataset({ filepath: shuttles }).load();
    expect(df.height).toBe(15531);
    expect(df.columns).toContain("price");
    expect(df.getColumn("price").dtype.variant).toBe("String"); // "$1,325.0": a string for the pipeline to clean
    expect(df.getColumn("passenger_capacity").dtype.variant).toBe("Int64");
  });
});

describe("in memory", () => {
  it("passes DataFrames between nodes through memory datasets, alone or in a record", async () => {
    const pipe = pipeline([
      node({
        func: (df: pl.DataFrame) => [df.head(2), df.tail(1)],
        inputs: "all",
        outputs: ["top", "bottom"],
        name: "split",
      }),
      node({
        func: (top: pl.DataFrame, bottom: pl.DataFrame) => ({ both: { top, bottom } }),
        inputs: ["top", "bottom"],
        outputs: { both: "both" },
        name: "pair",
      }),
    ]);
    const outputs = await new SequentialRunner({ logger: createLogger({ level: "silent" }) }).run(
      pipe,
      new DataCatalog({ all: new MemoryDataset(frame()) }),
    );
    const both = outputs.both as { top: pl.DataFrame; bottom: pl.DataFrame };
    expect(both.top.toRecords()).toEqual(frame().head(2).toRecords());
    expect(both.bottom.getColumn("id").toArray()).toEqual([3]);
  });
});

describe("through the catalog", () => {
  it("loads Kedro's pandas type names and warns once for pandas-only options", async () => {
    const warnings: string[] = [];
    const catalog = await createCatalog({
      catalog: {
        companies: { type: "pandas.CSVDataset", filepath: "companies.csv", save_args: { index: false } },
        shuttles: {
          type: "pandas.ExcelDataset",
          filepath: "shuttles.xlsx",
          load_args: { engine: "openpyxl" },
        },
      },
      registry: registry(),
      projectPath: dir,
      logger: { ...createLogger({ level: "silent" }), warn: (m: string) => warnings.push(m) } as never,
    });
    await catalog.save("companies", frame());
    expect(((await catalog.load("companies")) as pl.DataFrame).height).toBe(3);
    expect(warnings.join("\n")).toMatch(/index is a Kedro option/);
    expect(warnings.join("\n")).toMatch(/engine is a Kedro option/);
  });

  it("versions saves and loads the latest or a pinned version", async () => {
    const entries = {
      model_input: { type: "polars.ParquetDataset", filepath: "data/model_input.parquet", versioned: true },
    };
    const first = await catalogOf(entries);
    await first.save("model_input", pl.DataFrame({ v: [1] }));
    const versions = await (first.get("model_input") as ParquetDataset).listVersions();
    const second = await catalogOf(entries);
    await new Promise((r) => setTimeout(r, 5));
    await second.save("model_input", pl.DataFrame({ v: [2] }));
    expect(((await (await catalogOf(entries)).load("model_input")) as pl.DataFrame).toRecords()).toEqual([
      { v: 2 },
    ]);
    const pinned = await catalogOf(entries, { loadVersions: { model_input: versions[0]! } });
    expect(((await pinned.load("model_input")) as pl.DataFrame).toRecords()).toEqual([{ v: 1 }]);
  });
});
