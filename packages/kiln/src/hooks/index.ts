export { HookManager } from "./hook-manager.js";
export {
  type CatalogHookContext,
  type DatasetHookContext,
  HOOK_NAMES,
  type HookContext,
  type HookName,
  type Hooks,
  type NodeHookContext,
  type PipelineHookContext,
  type Plugin,
  type RunParams,
} from "./hooks.js";
