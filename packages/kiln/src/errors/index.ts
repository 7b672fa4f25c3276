export {
  CatalogError,
  DatasetError,
  HookError,
  KilnError,
  type KilnErrorOptions,
  NodeError,
  PipelineError,
  RunnerError,
} from "./kiln-error.js";
