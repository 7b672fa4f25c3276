/**
 * Tabular datasets for Kiln: Polars DataFrames from CSV, Parquet, JSON, Arrow IPC and Excel files,
 * on local disk, HTTP or S3, and from SQL tables and queries (SQLite, PostgreSQL), with validation
 * on load and save; Vega-Lite charts and PNG/JPEG images.
 * @packageDocumentation
 */
export {
  decodeImage,
  encodeImage,
  IMAGE_FORMATS,
  type ImageFormat,
  type RgbaImage,
  thumbnail,
} from "./images/image-codec.js";
export { ImageDataset, type ImagePreviewData } from "./images/image-dataset.js";
export {
  RENDER_FORMATS,
  type RenderFormat,
  type RenderOptions,
  renderVegaLite,
} from "./plots/render-vega-lite.js";
export { type PlotPreviewData, VegaLiteDataset, type VegaLiteSpec } from "./plots/vega-lite-dataset.js";
export { datasetTypes, default as plugin } from "./plugin.js";
export { type ArgSpec, mapArgs } from "./polars/args.js";
export { CSVDataset, findRaggedLine } from "./polars/csv-dataset.js";
export { ExcelDataset } from "./polars/excel-dataset.js";
export { IPCDataset } from "./polars/ipc-dataset.js";
export { JSONDataset } from "./polars/json-dataset.js";
export { loadPolars, type Polars } from "./polars/load-polars.js";
export { ParquetDataset } from "./polars/parquet-dataset.js";
export { type ConnectionTarget, parseConnection, redactConnection } from "./sql/connection.js";
export { SQL_DATASET_KEYS, SqlDataset, type SqlDatasetConfig } from "./sql/sql-dataset.js";
export { SQLQueryDataset, type SQLQueryDatasetConfig } from "./sql/sql-query-dataset.js";
export { SQLTableDataset, type SQLTableDatasetConfig } from "./sql/sql-table-dataset.js";
export {
  describeValue,
  isDataFrame,
  previewFrame,
  requireDataFrame,
  TABULAR_DATASET_KEYS,
  TabularDataset,
  type TabularDatasetConfig,
} from "./tabular-dataset.js";
export {
  COLUMN_TYPES,
  type ColumnRule,
  type ColumnType,
  parseValidationRules,
  type ValidationRules,
} from "./validation/rules.js";
export {
  checkFrame,
  findViolations,
  SHOWN_ROWS,
  type Violation,
  validationError,
} from "./validation/validate-frame.js";
