/**
 * `@kiln/export`: Kiln pipelines on engines teams already run. A pipeline becomes an Argo
 * Workflows DAG or a Valohai pipeline whose tasks each run `kiln run` for some of its nodes in the
 * project's image, which `kiln docker init` describes.
 * @packageDocumentation
 */
export { type ArgoExport, type ArgoOptions, argoWorkflow } from "./argo/argo-workflow.js";
export { type ArgoExportResult, type ExportArgoOptions, exportArgo } from "./argo/export-argo.js";
export { type DockerInitOptions, type DockerInitResult, dockerInit } from "./docker/docker-init.js";
export { type DockerfileOptions, dockerfile, dockerignore } from "./docker/dockerfile.js";
export { ExportError } from "./errors.js";
export { checkImageName } from "./image-name.js";
export { DNS_1123_LABEL, isDns1123Label, type NameRules, uniqueNames, VALOHAI_NAME } from "./names.js";
export type { DatasetInfo, DatasetKind } from "./plan/datasets.js";
export { type ExportOptions, type ExportPlan, planExport } from "./plan/export-plan.js";
export { type Crossing, type GroupBy, planUnits, type Unit, type UnitPlan } from "./plan/units.js";
export {
  type ExportValohaiOptions,
  exportValohai,
  type ValohaiExportResult,
  valohaiFiles,
} from "./valohai/export-valohai.js";
export { type ValohaiExport, type ValohaiOptions, valohaiConfig } from "./valohai/valohai-config.js";
