import type { Plugin } from "kiln";
import { ImageDataset } from "./images/image-dataset.js";
import { IncrementalDataset } from "./partitions/incremental-dataset.js";
import { PartitionedDataset } from "./partitions/partitioned-dataset.js";
import { VegaLiteDataset } from "./plots/vega-lite-dataset.js";
import { CSVDataset } from "./polars/csv-dataset.js";
import { ExcelDataset } from "./polars/excel-dataset.js";
import { IPCDataset } from "./polars/ipc-dataset.js";
import { JSONDataset } from "./polars/json-dataset.js";
import { ParquetDataset } from "./polars/parquet-dataset.js";
import { SQLQueryDataset } from "./sql/sql-query-dataset.js";
import { SQLTableDataset } from "./sql/sql-table-dataset.js";

/**
 * The dataset types this package brings, by catalog `type:` name. Kedro's `pandas.*` names load the
 * same classes, so a Kedro catalog reads its tables as Polars DataFrames.
 */
export const datasetTypes = {
  "polars.CSVDataset": CSVDataset,
  "polars.ParquetDataset": ParquetDataset,
  "polars.JSONDataset": JSONDataset,
  "polars.IPCDataset": IPCDataset,
  "polars.ExcelDataset": ExcelDataset,
  "pandas.CSVDataset": CSVDataset,
  "pandas.ParquetDataset": ParquetDataset,
  "pandas.JSONDataset": JSONDataset,
  "pandas.FeatherDataset": IPCDataset,
  "pandas.ExcelDataset": ExcelDataset,
  "sql.SQLTableDataset": SQLTableDataset,
  "sql.SQLQueryDataset": SQLQueryDataset,
  "pandas.SQLTableDataset": SQLTableDataset,
  "pandas.SQLQueryDataset": SQLQueryDataset,
  // Plots and images. Kedro's plotly.* hold Plotly figures, which Kiln cannot render: no alias
  // (docs/datasets.md). MatplotlibWriter's (newer: MatplotlibDataset's) job, a chart written as an
  // image file, is ImageDataset's: the node returns renderVegaLite(spec, "png").
  "partitions.PartitionedDataset": PartitionedDataset,
  "partitions.IncrementalDataset": IncrementalDataset,
  "plots.VegaLiteDataset": VegaLiteDataset,
  "images.ImageDataset": ImageDataset,
  "pillow.ImageDataset": ImageDataset,
  "matplotlib.MatplotlibWriter": ImageDataset,
  "matplotlib.MatplotlibDataset": ImageDataset,
} as const;

/**
 * `@kiln/datasets` as a Kiln plugin: found in a project's dependencies, it registers the types above,
 * and the thread codec that lets Polars DataFrames and Series cross ParallelRunner's worker threads.
 */
const plugin: Plugin = {
  name: "@kiln/datasets",
  datasets: datasetTypes,
  threadCodecs: [new URL("./polars/thread-codec.js", import.meta.url).href],
};
export default plugin;
