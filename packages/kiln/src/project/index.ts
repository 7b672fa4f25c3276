export {
  type CreatedProject,
  type CreateProjectOptions,
  createProject,
  type RenderedProject,
  renderProject,
} from "./create-project.js";
export { discoverPlugins } from "./discover-plugins.js";
export { findProject, ProjectError, type ProjectMetadata } from "./find-project.js";
export { type NewProjectConfig, parseYesNo, readNewProjectConfig } from "./new-project-config.js";
export { type DeclaredSchema, findParameterSchemas } from "./parameter-schemas.js";
export {
  DEFAULT_PIPELINE,
  findPipelines,
  loadPipelines,
  registryFile,
  selectPipeline,
  sumPipelines,
} from "./pipeline-registry.js";
export {
  createPipelineFiles,
  type DeletedPipeline,
  deletePipelineFiles,
  type PipelineScaffoldOptions,
} from "./pipeline-scaffold.js";
export { projectConfigPatterns } from "./plugin-config-patterns.js";
export { defineSettings, loadSettings, type ProjectSettings } from "./settings.js";
export { DEFAULT_STARTER, listStarters, type Starter } from "./starters.js";
