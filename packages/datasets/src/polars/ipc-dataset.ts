import type { DataFrame } from "nodejs-polars";
import { TABULAR_DATASET_KEYS, TabularDataset } from "../tabular-dataset.js";
import { asCount, asStrings, mapArgs, oneOf, specs } from "./args.js";
import type { Polars } from "./load-polars.js";

const LOAD = specs([
  [["columns"], "columns", asStrings],
  [["n_rows"], "nRows", asCount],
]);
const SAVE = specs([
  [["compression"], "compression", (name) => oneOf(name, ["uncompressed", "lz4", "zstd"])],
]);

/** An Arrow IPC file (Feather v2) as a Polars DataFrame; Kedro's `pandas.FeatherDataset` maps here. */
export class IPCDataset extends TabularDataset {
  static readonly configKeys = TABULAR_DATASET_KEYS;
  static readonly loadArgs = Object.keys(LOAD);
  static readonly saveArgs = Object.keys(SAVE);
  static readonly kedroOnlyArgs = [
    "use_threads",
    "storage_options",
    "fs_open_args_load",
    "fs_open_args_save",
  ];
  protected readonly format = "Arrow IPC";

  protected override readonly pathExtensions = [".ipc"];

  protected override readPath(pl: Polars, path: string): DataFrame {
    return pl.readIPC(path, mapArgs(pl, this.loadArgs, LOAD, "load_args"));
  }

  protected override writePath(pl: Polars, df: DataFrame, path: string): void {
    df.writeIPC(path, { compression: "uncompressed", ...mapArgs(pl, this.saveArgs, SAVE, "save_args") });
  }

  protected read(pl: Polars, bytes: Uint8Array): DataFrame {
    return pl.readIPC(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      mapArgs(pl, this.loadArgs, LOAD, "load_args"),
    );
  }

  protected write(pl: Polars, df: DataFrame): Uint8Array {
    return df.writeIPC({ compression: "uncompressed", ...mapArgs(pl, this.saveArgs, SAVE, "save_args") });
  }
}
