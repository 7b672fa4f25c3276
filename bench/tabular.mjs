/**
 * Tabular figures through the catalog, one step per process (so peak memory is the step's own):
 *   node bench/tabular.mjs --make DIR [--rows 1000000]   writes DIR/table.csv (10 columns, seeded)
 *   node bench/tabular.mjs --step csv-to-parquet --dir DIR   loads the CSV, saves Parquet
 *   node bench/tabular.mjs --step load-parquet --dir DIR     loads that Parquet
 *   node bench/tabular.mjs --step engine-floor --dir DIR     the CSV → Parquet step in nodejs-polars
 *                                                            alone, no Kiln: what the engine costs
 * Prints one JSON line: in-process milliseconds, rows, and the process's peak RSS in MiB.
 */
import { createWriteStream, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs, report } from "./lib.mjs";

const args = parseArgs();

if (args.make) {
  const rows = Number(args.rows ?? 1_000_000);
  const file = join(args.make, "table.csv");
  if (!existsSync(file) || statSync(file).size < rows * 40) await makeCsv(file, rows);
  report({ file, bytes: statSync(file).size });
} else if (args.step === "engine-floor") {
  const t0 = performance.now();
  const { default: pl } = await import("nodejs-polars");
  const df = pl.readCSV(join(args.dir, "table.csv"), { rechunk: true });
  df.writeParquet(join(args.dir, "floor.parquet"), { compression: "snappy" });
  report({ ms: performance.now() - t0, rows: df.height, peakRssMiB: process.resourceUsage().maxRSS / 1024 });
} else {
  const { datasetTypes } = await import("@kiln/datasets");
  const { createCatalog, createDefaultRegistry, createLogger } = await import("kiln");
  const registry = createDefaultRegistry();
  for (const [name, type] of Object.entries(datasetTypes)) registry.register(name, type);
  const catalog = await createCatalog({
    catalog: {
      table_csv: { type: "polars.CSVDataset", filepath: join(args.dir, "table.csv") },
      table_parquet: { type: "polars.ParquetDataset", filepath: join(args.dir, "table.parquet") },
    },
    registry,
    logger: createLogger({ level: "silent" }),
  });
  const t0 = performance.now();
  let rows;
  if (args.step === "csv-to-parquet") {
    const df = await catalog.load("table_csv");
    rows = df.height;
    await catalog.save("table_parquet", df);
  } else if (args.step === "load-parquet") {
    rows = (await catalog.load("table_parquet")).height;
  } else throw new Error(`unknown --step ${args.step}`);
  report({ ms: performance.now() - t0, rows, peakRssMiB: process.resourceUsage().maxRSS / 1024 });
}

/** 10 columns: ids, floats, integers, strings from small and large vocabularies, booleans, dates. */
async function makeCsv(file, rows) {
  let state = 42;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const cities = ["Oslo", "Lima", "Pune", "Cairo", "Quito", "Hanoi", "Perth", "Accra"];
  const out = createWriteStream(file);
  out.write("id,price,weight,count,delta,score,name,city,flag,day\n");
  let chunk = [];
  for (let i = 0; i < rows; i++) {
    chunk.push(
      `${i},${(random() * 1000).toFixed(3)},${(random() * 10).toFixed(2)},${Math.floor(random() * 1e6)},` +
        `${(random() - 0.5).toFixed(5)},${Math.floor(random() * 100)},name_${Math.floor(random() * 50000)},` +
        `${cities[i % cities.length]},${random() < 0.5},2024-0${1 + (i % 9)}-1${i % 10}`,
    );
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join("\n")}\n`)) await new Promise((r) => out.once("drain", r));
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join("\n")}\n`);
  await new Promise((resolve) => out.end(resolve));
}
