export { type CatalogConfigOptions, createCatalog, type SourceLocation } from "./catalog-from-config.js";
export { type CopyMode, copyWithMode, inferCopyMode } from "./copy-mode.js";
export { type AddOptions, DataCatalog, type DatasetFactories } from "./data-catalog.js";
export { type Dataset, type DatasetPreview, isDataset, type MaybePromise } from "./dataset.js";
export {
  createDefaultRegistry,
  type DatasetClass,
  type DatasetContext,
  type DatasetType,
  DatasetTypeRegistry,
  datasetTypeFromClass,
  PROVIDED_ELSEWHERE,
  type RegisteredType,
  type RegisterOptions,
} from "./dataset-types.js";
export { BinaryDataset } from "./datasets/binary-dataset.js";
export { JSONDataset } from "./datasets/json-dataset.js";
export { ObjectDataset } from "./datasets/object-dataset.js";
export { TextDataset } from "./datasets/text-dataset.js";
export { YAMLDataset } from "./datasets/yaml-dataset.js";
export { FILE_DATASET_KEYS, FileDataset, type FileDatasetConfig } from "./file-dataset.js";
export { MemoryDataset, type MemoryDatasetOptions } from "./memory-dataset.js";
export { type DatasetPattern, isPattern, PatternResolver, RUNTIME_DEFAULT_PATTERN } from "./patterns.js";
export {
  formatVersion,
  generateVersion,
  nextVersion,
  parseVersion,
  VERSION_PATTERN,
  type Version,
} from "./versioning.js";
