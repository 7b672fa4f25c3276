export { type CopyMode, copyWithMode, inferCopyMode } from "./copy-mode.js";
export { type AddOptions, DataCatalog } from "./data-catalog.js";
export { type Dataset, type DatasetPreview, isDataset, type MaybePromise } from "./dataset.js";
export { MemoryDataset, type MemoryDatasetOptions } from "./memory-dataset.js";
