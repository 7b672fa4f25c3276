export { BaseRunner, NodeRunError, type RunnerOptions } from "./base-runner.js";
export { ConcurrentRunner, type ConcurrentRunnerOptions } from "./concurrent-runner.js";
export { nodesWithMissingOutputs } from "./missing-outputs.js";
export { type ExecuteNode, NodeFunctionFailure, runNodeTask, type TaskEnv } from "./node-task.js";
export { ParallelRunner, type ParallelRunnerOptions } from "./parallel-runner.js";
export { isPersisted, nodesToResumeFrom, resumeMessage } from "./resume.js";
export type { Runner, RunOptions, RunProgress, RunResult } from "./runner.js";
export { SequentialRunner } from "./sequential-runner.js";
export type { PipelineSource } from "./worker-protocol.js";
