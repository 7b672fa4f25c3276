import type { DataFrame } from "nodejs-polars";
import { TABULAR_DATASET_KEYS, TabularDataset } from "../tabular-dataset.js";
import { asCount, asStrings, mapArgs, oneOf, specs } from "./args.js";
import type { Polars } from "./load-polars.js";

const LOAD = specs([
  [["columns"], "columns", asStrings],
  [["n_rows"], "nRows", asCount],
]);

const COMPRESSIONS = ["uncompressed", "snappy", "gzip", "lz4", "zstd", "brotli"] as const;
const SAVE = specs([[["compression"], "compression", (name) => oneOf(name, COMPRESSIONS)]]);

/** A Parquet file as a Polars DataFrame. Saved with snappy compression unless `save_args.compression` says otherwise (as pandas does). */
export class ParquetDataset extends TabularDataset {
  static readonly configKeys = TABULAR_DATASET_KEYS;
  static readonly loadArgs = Object.keys(LOAD);
  static readonly saveArgs = Object.keys(SAVE);
  static readonly kedroOnlyArgs = [
    "engine",
    "index",
    "storage_options",
    "partition_cols",
    "fs_open_args_load",
    "fs_open_args_save",
  ];
  protected readonly format = "Parquet";

  protected override readonly pathExtensions = [".parquet"];

  protected override readPath(pl: Polars, path: string): DataFrame {
    return pl.readParquet(path, mapArgs(pl, this.loadArgs, LOAD, "load_args"));
  }

  protected override writePath(pl: Polars, df: DataFrame, path: string): void {
    df.writeParquet(path, { compression: "snappy", ...mapArgs(pl, this.saveArgs, SAVE, "save_args") });
  }

  protected read(pl: Polars, bytes: Uint8Array): DataFrame {
    return pl.readParquet(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      mapArgs(pl, this.loadArgs, LOAD, "load_args"),
    );
  }

  protected write(pl: Polars, df: DataFrame): Uint8Array {
    return df.writeParquet({ compression: "snappy", ...mapArgs(pl, this.saveArgs, SAVE, "save_args") });
  }
}
