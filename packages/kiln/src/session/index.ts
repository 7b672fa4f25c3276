export { gitInfo } from "./git-info.js";
export {
  type KilnContext,
  KilnSession,
  type SessionOptions,
  type SessionRunOptions,
} from "./kiln-session.js";
export { appendRunRecord, type RunRecord, readRunRecords } from "./run-record.js";
export { createRunner } from "./runner-factory.js";
