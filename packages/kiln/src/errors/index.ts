export {
  CatalogError,
  ConfigError,
  type ConfigErrorLocation,
  type ConfigErrorOptions,
  DatasetError,
  HookError,
  IoError,
  KilnError,
  type KilnErrorOptions,
  NodeError,
  PipelineError,
  RunnerError,
} from "./kiln-error.js";
