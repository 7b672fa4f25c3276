import { DatasetError } from "kiln";
import type { DataFrame } from "nodejs-polars";
import { TABULAR_DATASET_KEYS, TabularDataset } from "../tabular-dataset.js";
import { asBoolean, asCount, oneOf, specs } from "./args.js";
import type { Polars } from "./load-polars.js";

/** `format: json | lines`, or pandas' `lines: true`; pandas' `orient` only as `records`. */
const SHAPE = specs([
  [["format"], "format", (name) => oneOf(name, ["json", "lines"])],
  [["lines"], "lines", asBoolean],
  [["orient"], "orient", (name) => oneOf(name, ["records"])],
]);
const LOAD = { ...SHAPE, ...specs([[["infer_schema_length"], "inferSchemaLength", asCount]]) };

function jsonFormat(pl: Polars, args: Record<string, unknown>, specsFor: typeof LOAD): "json" | "lines" {
  for (const [name, value] of Object.entries(args)) {
    const spec = specsFor[name];
    if (!spec)
      throw new DatasetError("KILN_TABLE_BAD_ARG", `Unknown argument "${name}".`, {
        hint: `Known: ${Object.keys(specsFor).join(", ")}.`,
      });
    spec.convert(value, pl);
  }
  if (args.format !== undefined) return args.format as "json" | "lines";
  return args.lines === true ? "lines" : "json";
}

/**
 * A JSON file of records (`[{...}, ...]`) or JSON lines (one record per line, `format: lines` or
 * pandas' `lines: true`) as a Polars DataFrame.
 */
export class JSONDataset extends TabularDataset {
  static readonly configKeys = TABULAR_DATASET_KEYS;
  static readonly loadArgs = Object.keys(LOAD);
  static readonly saveArgs = Object.keys(SHAPE);
  static readonly kedroOnlyArgs = [
    "date_format",
    "double_precision",
    "force_ascii",
    "date_unit",
    "default_handler",
    "storage_options",
    "fs_open_args_load",
    "fs_open_args_save",
  ];
  protected readonly format = "JSON";

  protected override writePath(pl: Polars, df: DataFrame, path: string): void {
    df.writeJSON(path, { format: jsonFormat(pl, this.saveArgs, SHAPE) });
  }

  protected read(pl: Polars, bytes: Uint8Array): DataFrame {
    const format = jsonFormat(pl, this.loadArgs, LOAD);
    const inferSchemaLength = this.loadArgs.infer_schema_length as number | undefined;
    return pl.readJSON(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      format,
      ...(inferSchemaLength !== undefined ? { inferSchemaLength } : {}),
    });
  }

  protected write(pl: Polars, df: DataFrame): Uint8Array {
    return df.writeJSON({ format: jsonFormat(pl, this.saveArgs, SHAPE) });
  }
}
