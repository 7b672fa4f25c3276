// What `kiln monitor drift --reference/--current` reads: a file, a folder of parts (what
// `kiln models serve --log-inputs` writes), local or remote, or a dataset of the project's catalog.
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { closestMatches, type DataCatalog, getFileSystem } from "kiln";
import type pl from "nodejs-polars";
import { isDataFrame } from "../model/conform-input.js";
import { MonitorError } from "./monitor-error.js";

type Polars = typeof pl;

const FORMATS = [".csv", ".parquet", ".pq", ".json", ".jsonl", ".ndjson"] as const;

/** A table and where it came from, for the report. */
export interface ReadTable {
  frame: pl.DataFrame;
  /** The path, URL or `dataset NAME` it was read from. */
  source: string;
}

const extensionOf = (path: string) => {
  const name = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  return FORMATS.find((ext) => name.endsWith(ext));
};

function parse(p: Polars, bytes: Uint8Array, path: string, flag: string): pl.DataFrame {
  const ext = extensionOf(path);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (ext === ".csv") return p.readCSV(buffer);
    if (ext === ".parquet" || ext === ".pq") return p.readParquet(buffer);
    if (ext === ".json") return p.readJSON(buffer, { format: "json" });
    return p.readJSON(buffer, { format: "lines" });
  } catch (error) {
    throw new MonitorError(
      "KILN_MONITOR_BAD_SOURCE",
      `${flag} ${path}: cannot be read as ${ext} (${(error as Error).message}).`,
      {
        hint: "Check the file; JSON must be a list of records, JSON Lines one record per line.",
        cause: error,
      },
    );
  }
}

/**
 * Reads `source`: a `.csv`, `.parquet`, `.json` (records) or `.jsonl` file, or a folder whose files
 * of those kinds are concatenated (columns matched by name), on local disk or behind `s3://`,
 * `http(s)://` or `file://`; otherwise the name of a DataFrame dataset of the project's catalog
 * (`openCatalog` gives it, when there is a project).
 * @throws MonitorError `KILN_MONITOR_BAD_SOURCE` for what cannot be found or read.
 */
export async function readTable(
  p: Polars,
  source: string,
  options: { flag: string; cwd: string; openCatalog?: () => Promise<DataCatalog | undefined> },
): Promise<ReadTable> {
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(source);
  const local = isUrl ? undefined : isAbsolute(source) ? source : resolve(options.cwd, source);
  if (isUrl || existsSync(local!)) return readPath(p, isUrl ? source : local!, options.flag);
  const catalog = await options.openCatalog?.();
  if (catalog?.has(source)) {
    const data = await catalog.load(source);
    if (!isDataFrame(data)) {
      throw new MonitorError(
        "KILN_MONITOR_BAD_SOURCE",
        `${options.flag} ${source}: the dataset does not hold a DataFrame.`,
        {
          hint: "Give a tabular dataset (polars.CSVDataset, polars.ParquetDataset, …) or a file.",
        },
      );
    }
    return { frame: data as pl.DataFrame, source: `dataset ${source}` };
  }
  const near = catalog ? closestMatches(source, catalog.list())[0] : undefined;
  throw new MonitorError(
    "KILN_MONITOR_BAD_SOURCE",
    `${options.flag} ${source}: no such file or folder${catalog ? ", and no dataset of that name in the catalog" : " (and no Kiln project here whose catalog could name it)"}.`,
    {
      hint: near
        ? `Did you mean the dataset "${near}"?`
        : "Give a .csv, .parquet, .json or .jsonl file, a folder of them (such as --log-inputs writes), or a catalog dataset.",
    },
  );
}

async function readPath(p: Polars, path: string, flag: string): Promise<ReadTable> {
  const fs = await getFileSystem(path);
  if (extensionOf(path)) return { frame: parse(p, await fs.read(path), path, flag), source: path };
  const files = (await fs.walk(path)).filter((f) => extensionOf(f) !== undefined);
  if (files.length === 0) {
    throw new MonitorError(
      "KILN_MONITOR_BAD_SOURCE",
      `${flag} ${path}: the folder holds no .csv, .parquet, .json or .jsonl file.`,
      {
        hint: "Point it at the folder `kiln models serve --log-inputs` writes to once requests were logged, or at a file.",
      },
    );
  }
  const frames = await Promise.all(files.map(async (f) => parse(p, await fs.read(f), f, flag)));
  const frame = frames.length === 1 ? frames[0]! : p.concat(frames, { how: "diagonalRelaxed" });
  return { frame, source: `${path} (${files.length} files)` };
}
