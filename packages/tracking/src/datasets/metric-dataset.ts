import { type Dataset, DatasetError } from "kiln";
import type { MetricPoint } from "../store/types.js";
import { RunBoundDataset } from "./run-binding.js";

/** A `tracking.MetricDataset` catalog entry (kedro-mlflow's MlflowMetricDataset keys). */
export interface MetricDatasetConfig {
  /** The metric's name (default: the dataset's name). */
  key?: string;
  /** `step`: which step to load (default: the latest). */
  load_args?: { step?: number };
  /** `step`: the step to log at; `mode`: `overwrite` (step 0, replaced) or `append` (one step after the last). */
  save_args?: { step?: number; mode?: "overwrite" | "append" };
  metadata?: Record<string, unknown>;
}

export function badDataset(message: string, hint: string): DatasetError {
  return new DatasetError("KILN_TRACKING_BAD_DATASET", message, { hint });
}

function checkStep(step: unknown, where: string): number | undefined {
  if (step === undefined) return undefined;
  if (!Number.isInteger(step) || (step as number) < 0)
    throw badDataset(
      `${where} must be a whole number of at least 0, got ${JSON.stringify(step)}.`,
      `${where}: 3`,
    );
  return step as number;
}

/**
 * `value` as a metric value: a number (NaN and ±Infinity kept).
 * @throws DatasetError `KILN_TRACKING_BAD_METRIC` naming the metric and what it got.
 */
export function metricValue(value: unknown, key: string): number {
  if (typeof value === "number") return value;
  const got = value === null ? "null" : Array.isArray(value) ? "a list" : typeof value;
  throw new DatasetError(
    "KILN_TRACKING_BAD_METRIC",
    `Metric "${key}" must be a number, got ${got}${typeof value === "string" ? ` ("${value.slice(0, 40)}")` : ""}.`,
    {
      hint: "Return a number from the node (Number(x) for a numeric string); log text as a tag or an artifact instead.",
    },
  );
}

/**
 * One number logged as a metric of the tracked run, as kedro-mlflow's MlflowMetricDataset: saving
 * logs it (at step 0, or after the last step with `save_args.mode: append`); loading reads it back
 * from this run (the latest step, or `load_args.step`).
 */
export class MetricDataset extends RunBoundDataset implements Dataset<number, number> {
  static readonly configKeys = ["key", "load_args", "save_args", "metadata"];
  static readonly loadArgs = ["step"];
  static readonly saveArgs = ["step", "mode"];
  static readonly kedroOnlyArgs = ["run_id"];
  protected readonly kind = "tracking.MetricDataset";

  readonly #key: string | undefined;
  readonly #loadStep: number | undefined;
  readonly #saveStep: number | undefined;
  readonly #append: boolean;
  readonly metadata: Record<string, unknown> | undefined;

  constructor(config: MetricDatasetConfig = {}) {
    super();
    if (config.key !== undefined && (typeof config.key !== "string" || config.key === ""))
      throw badDataset(`\`key\` must be a metric name, got ${JSON.stringify(config.key)}.`, "key: r2_score");
    this.#key = config.key;
    this.#loadStep = checkStep(config.load_args?.step, "load_args.step");
    this.#saveStep = checkStep(config.save_args?.step, "save_args.step");
    const mode = config.save_args?.mode ?? "overwrite";
    if (mode !== "overwrite" && mode !== "append")
      throw badDataset(
        `save_args.mode must be overwrite or append, got ${JSON.stringify(mode)}.`,
        "save_args: { mode: append }",
      );
    this.#append = mode === "append";
    this.metadata = config.metadata;
  }

  /** The metric's name: `key`, else the dataset's name in the catalog. */
  get key(): string {
    return this.#key ?? this.datasetName ?? "(the dataset's name)";
  }

  async save(value: number): Promise<void> {
    const number = metricValue(value, this.key);
    const log = this.metricLog("save");
    let step = this.#saveStep ?? 0;
    if (this.#saveStep === undefined && this.#append) {
      const history = await log.metricHistory([this.key]);
      step = history.length === 0 ? 0 : Math.max(...history.map((p) => p.step)) + 1;
    }
    await log.logMetrics([{ key: this.key, value: number, step, timestamp: Date.now() }]);
  }

  async load(): Promise<number> {
    const log = this.metricLog("load");
    const history = await log.metricHistory([this.key]);
    const point = pick(history, this.#loadStep);
    if (!point) {
      throw new DatasetError(
        "KILN_TRACKING_METRIC_NOT_FOUND",
        `Metric "${this.key}"${this.#loadStep !== undefined ? ` has no step ${this.#loadStep}` : " was not logged"} in ${log.runId ? `run ${log.runId}` : "this run (not tracked: kept in memory)"}${history.length > 0 ? ` (steps: ${history.map((p) => p.step).join(", ")})` : ""}.`,
        { hint: "A metric dataset reads what this run logged: run the node that saves it first." },
      );
    }
    return point.value;
  }

  async exists(): Promise<boolean> {
    if (!this.bound) return false;
    return pick(await this.metricLog("load").metricHistory([this.key]), this.#loadStep) !== undefined;
  }

  describe(): Record<string, unknown> {
    return {
      type: "MetricDataset",
      key: this.key,
      ...(this.#append ? { save_args: { mode: "append" } } : {}),
      ...(this.metadata ? { metadata: this.metadata } : {}),
    };
  }
}

/** The point at `step`, else the latest (highest step). */
function pick(history: readonly MetricPoint[], step: number | undefined): MetricPoint | undefined {
  if (step !== undefined) return history.find((p) => p.step === step);
  return history.reduce<MetricPoint | undefined>(
    (best, p) => (!best || p.step >= best.step ? p : best),
    undefined,
  );
}
