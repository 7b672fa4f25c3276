export { discoverPlugins } from "./discover-plugins.js";
export { findProject, ProjectError, type ProjectMetadata } from "./find-project.js";
export { type DeclaredSchema, findParameterSchemas } from "./parameter-schemas.js";
export {
  DEFAULT_PIPELINE,
  findPipelines,
  loadPipelines,
  registryFile,
  selectPipeline,
  sumPipelines,
} from "./pipeline-registry.js";
export { defineSettings, loadSettings, type ProjectSettings } from "./settings.js";
