/**
 * Kiln Viz: a project's pipelines and runs as an interactive web page.
 * @packageDocumentation
 */

export { compareRuns } from "./api/experiments/compare-runs.js";
export {
  DEFAULT_RUNS_LIMIT,
  ExperimentsReader,
  type RunsQuery,
  SUMMARIES_TTL_MS,
} from "./api/experiments/experiments-reader.js";
export { FunctionLocator } from "./api/function-source.js";
export { buildGraph, orderLayers } from "./api/graph.js";
export type * from "./api/types.js";
export { VizProject, type VizProjectOptions } from "./api/viz-project.js";
export { VizError } from "./errors.js";
export {
  buildStaticSite,
  type StaticSiteOptions,
  type StaticSiteResult,
} from "./server/build-static-site.js";
export { startVizServer, type VizServer, type VizServerOptions } from "./server/viz-server.js";
