export { DistributedRunner, type DistributedRunnerOptions } from "./coordinator/distributed-runner.js";
export { type GroupBy, type JobUnit, planJobs } from "./coordinator/job-plan.js";
export { type DistributedSettings, parseRunnerParams } from "./coordinator/runner-params.js";
export { DistributedError } from "./errors.js";
export { RedisDataset } from "./redis/redis-dataset.js";
export { checkCron, parseEvery } from "./schedule/cron.js";
export { type ListedSchedule, type Schedule, Schedules } from "./schedule/schedules.js";
export { KilnWorker, type KilnWorkerOptions } from "./worker/kiln-worker.js";
