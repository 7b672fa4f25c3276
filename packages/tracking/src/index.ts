/**
 * @kiln/tracking: every `kiln run` recorded — parameters, tags, node timings, lineage, logs, metrics
 * and artifacts — in SQLite or PostgreSQL; training/inference pairs packaged as models after
 * training, and the model registry. The plugin is `@kiln/tracking/plugin`; this entry point
 * is for code that reads or writes the store itself.
 * @packageDocumentation
 */
export { type ArtifactFile, ArtifactStore } from "./artifacts/artifact-store.js";
export { DEFAULT_TRACKING_YML } from "./config/default-tracking-yml.js";
export {
  DEFAULT_TRACKING_CONFIG,
  type LongValues,
  type ModelConfig,
  parseTrackingConfig,
  type TrackingConfig,
} from "./config/tracking-config.js";
export {
  loadTrackingSettings,
  resolveTrackingSettings,
  type TrackingSettings,
} from "./config/tracking-settings.js";
export { ArtifactDataset, type ArtifactDatasetConfig } from "./datasets/artifact-dataset.js";
export { MetricDataset, type MetricDatasetConfig } from "./datasets/metric-dataset.js";
export {
  type MetricStep,
  MetricsDataset,
  type MetricsDatasetConfig,
  type MetricsHistory,
  type MetricsToSave,
} from "./datasets/metrics-dataset.js";
export { TrackingError } from "./errors.js";
export { checkPairCatalog } from "./model/check-pair-catalog.js";
export type * from "./model/mlmodel-types.js";
export {
  type ImportModelCodeOptions,
  importModelCode,
  type ModelCode,
  modelCacheDir,
} from "./model/model-code.js";
export { ModelError } from "./model/model-error.js";
export { type ModelFolder, readModelFolder } from "./model/model-folder.js";
export {
  type ModelUri,
  parseModelUri,
  type ResolvedModel,
  type ResolveModelOptions,
  resolveModelUri,
} from "./model/model-uri.js";
export { checkAlias, checkModelName } from "./model/names.js";
export {
  MODEL_ARTIFACT_PATH,
  type PackagedModel,
  type PackageModelOptions,
  packageModel,
} from "./model/packaging/package-model.js";
export {
  DemotedPair,
  demotedPairReason,
  type InferenceSpec,
  isPipelineML,
  type ModelPromotion,
  PIPELINE_ML,
  PipelineML,
  type PipelineMLOptions,
  pipelineML,
  pipelineMlFactory,
} from "./model/pipeline-ml.js";
export type { PackagedInference, Predictor } from "./model/runtime.js";
export {
  type MetricBounds,
  type MetricCheck,
  type MetricThresholds,
  type ValidationGateOptions,
  validationGate,
} from "./model/validation-gate.js";
export {
  type OpenTrackingStoreOptions,
  openProjectTracking,
  openTrackingStore,
  resolveProjectModel,
} from "./open-tracking-store.js";
export { type FlattenOptions, flattenParams } from "./params/flatten.js";
export { datasetTypes, default as trackingPlugin } from "./plugin.js";
export { RunTracker, type RunTrackerOptions } from "./run/run-tracker.js";
export {
  type Clause,
  type Comparator,
  type Entity,
  type Filter,
  type Identifier,
  parseFilter,
} from "./search/filter.js";
export { type OrderKey, parseOrderBy, searchRuns } from "./search/search-runs.js";
export { MIGRATIONS, type Migration, migrate, SCHEMA_VERSION } from "./store/migrations.js";
export { openStore, parseStoreUri, type StoreTarget } from "./store/open-store.js";
export type { SqlDriver, SqlExecutor } from "./store/sql-driver.js";
export { SqlRegistry } from "./store/sql-registry.js";
export { SqlStore } from "./store/sql-store.js";
export type * from "./store/types.js";
