export {
  type BootstrapOptions,
  type BootstrappedProject,
  bootstrapProject,
} from "./bootstrap-project.js";
export { gitInfo } from "./git-info.js";
export {
  type KilnContext,
  KilnSession,
  type SessionOptions,
  type SessionRunOptions,
} from "./kiln-session.js";
export { type PackageOptions, type PackageResult, packageProject } from "./package-project.js";
export { appendRunRecord, type RunRecord, readRunRecords } from "./run-record.js";
export { createRunner, type RunnerFactory, type RunnerFactoryOptions } from "./runner-factory.js";
