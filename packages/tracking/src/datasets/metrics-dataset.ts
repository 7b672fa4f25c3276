import { type Dataset, DatasetError } from "kiln";
import type { MetricPoint } from "../store/types.js";
import { badDataset, metricValue } from "./metric-dataset.js";
import { RunBoundDataset } from "./run-binding.js";

/** One point of a metric's history, as a node gives it. */
export interface MetricStep {
  value: number;
  /** Default: 0 for a single point, the position in the list for a history. */
  step?: number;
  /** Milliseconds since the epoch (default: now). */
  timestamp?: number;
}

/** What a node saves: metric name → a number, a point, or a history (numbers or points). */
export type MetricsToSave = Record<string, number | MetricStep | ReadonlyArray<number | MetricStep>>;

/** What a MetricsDataset loads with `load_args.history: true`: metric name → every point, in step order. */
export type MetricsHistory = Record<string, Array<{ step: number; value: number; timestamp: number }>>;

/** A `tracking.MetricsDataset` catalog entry. */
export interface MetricsDatasetConfig {
  /** Put before every metric name, with a dot (default: the dataset's name; `""` for none). */
  prefix?: string;
  /** `history: true` loads every point of every metric instead of the latest values. */
  load_args?: { history?: boolean };
  metadata?: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function point(value: unknown, key: string, defaultStep: number, now: number): MetricPoint {
  if (!isRecord(value)) return { key, value: metricValue(value, key), step: defaultStep, timestamp: now };
  const unknown = Object.keys(value).filter((k) => k !== "value" && k !== "step" && k !== "timestamp");
  if (unknown.length > 0 || !("value" in value)) {
    throw new DatasetError(
      "KILN_TRACKING_BAD_METRIC",
      `Metric "${key}" is a point with ${unknown.length > 0 ? `unknown keys ${unknown.map((k) => `"${k}"`).join(", ")}` : "no `value`"}.`,
      { hint: "A point is { value, step?, timestamp? }, e.g. { value: 0.93, step: 3 }." },
    );
  }
  const step = value.step ?? defaultStep;
  if (!Number.isInteger(step) || (step as number) < 0)
    throw new DatasetError(
      "KILN_TRACKING_BAD_METRIC",
      `Metric "${key}" has step ${JSON.stringify(step)}, not a whole number ≥ 0.`,
      {
        hint: "Steps count from 0: { value: 0.93, step: 3 }.",
      },
    );
  const timestamp = value.timestamp ?? now;
  if (typeof timestamp !== "number" || !Number.isFinite(timestamp))
    throw new DatasetError(
      "KILN_TRACKING_BAD_METRIC",
      `Metric "${key}" has timestamp ${JSON.stringify(timestamp)}, not milliseconds.`,
      {
        hint: "Give timestamp as Date.now() does, or leave it out.",
      },
    );
  return { key, value: metricValue(value.value, key), step: step as number, timestamp };
}

/**
 * Several metrics logged to the tracked run at once: a record of name → value, → `{ value, step }`,
 * or → a history (a list of values or points), as kedro-mlflow's MlflowMetricsHistoryDataset. Names
 * get the dataset's name as prefix (`prefix:` changes it). Loading gives name → latest value, or
 * every point with `load_args.history: true`.
 *
 * @example
 * // catalog: model_metrics: { type: tracking.MetricsDataset, prefix: model }
 * // node returns { r2: 0.91, loss: [0.9, 0.5, 0.3] } → metrics model.r2 (step 0), model.loss (steps 0–2)
 */
export class MetricsDataset
  extends RunBoundDataset
  implements Dataset<Record<string, number> | MetricsHistory, MetricsToSave>
{
  static readonly configKeys = ["prefix", "load_args", "metadata"];
  static readonly loadArgs = ["history"];
  static readonly kedroOnlyArgs = ["run_id"];
  protected readonly kind = "tracking.MetricsDataset";

  readonly #prefix: string | undefined;
  readonly #history: boolean;
  readonly metadata: Record<string, unknown> | undefined;

  constructor(config: MetricsDatasetConfig = {}) {
    super();
    if (config.prefix !== undefined && typeof config.prefix !== "string")
      throw badDataset(
        `\`prefix\` must be text, got ${JSON.stringify(config.prefix)}.`,
        'prefix: model (or "" for none)',
      );
    const history = config.load_args?.history ?? false;
    if (typeof history !== "boolean")
      throw badDataset(
        `load_args.history must be true or false, got ${JSON.stringify(history)}.`,
        "load_args: { history: true }",
      );
    this.#prefix = config.prefix;
    this.#history = history;
    this.metadata = config.metadata;
  }

  /** What every metric name starts with (`model.`), or "" for none. */
  get prefix(): string {
    const prefix = this.#prefix ?? this.datasetName ?? "";
    return prefix === "" ? "" : `${prefix}.`;
  }

  /** The points `data` stands for, checked (every problem names its metric). */
  points(data: unknown): MetricPoint[] {
    if (!isRecord(data)) {
      throw new DatasetError(
        "KILN_TRACKING_BAD_METRIC",
        `${this.kind} saves a record of metric name → value, got ${data === null ? "null" : Array.isArray(data) ? "a list" : typeof data}.`,
        {
          hint: "Return e.g. { r2_score: 0.91, mae: 12.5 } from the node, or { loss: [0.9, 0.5] } for a history.",
        },
      );
    }
    const now = Date.now();
    return Object.entries(data).flatMap(([name, value]) => {
      const key = `${this.prefix}${name}`;
      return Array.isArray(value) ? value.map((v, i) => point(v, key, i, now)) : [point(value, key, 0, now)];
    });
  }

  async save(data: MetricsToSave): Promise<void> {
    const points = this.points(data);
    await this.metricLog("save").logMetrics(points);
  }

  async load(): Promise<Record<string, number> | MetricsHistory> {
    const log = this.metricLog("load");
    const mine = (await log.metricHistory()).filter((p) => p.key.startsWith(this.prefix));
    if (mine.length === 0) {
      throw new DatasetError(
        "KILN_TRACKING_METRIC_NOT_FOUND",
        `No metric named ${this.prefix ? `"${this.prefix}…"` : "anything"} was logged in ${log.runId ? `run ${log.runId}` : "this run (not tracked: kept in memory)"}.`,
        { hint: "A metrics dataset reads what this run logged: run the node that saves it first." },
      );
    }
    if (this.#history) {
      const out: MetricsHistory = {};
      for (const p of mine) {
        const name = p.key.slice(this.prefix.length);
        const points = out[name] ?? [];
        points.push({ step: p.step, value: p.value, timestamp: p.timestamp });
        out[name] = points;
      }
      return out;
    }
    const latest: Record<string, MetricPoint> = {};
    for (const p of mine) {
      const name = p.key.slice(this.prefix.length);
      const seen = latest[name];
      if (!seen || p.step > seen.step || (p.step === seen.step && p.timestamp >= seen.timestamp))
        latest[name] = p;
    }
    return Object.fromEntries(Object.entries(latest).map(([k, p]) => [k, p.value]));
  }

  async exists(): Promise<boolean> {
    if (!this.bound) return false;
    return (await this.metricLog("load").metricHistory()).some((p) => p.key.startsWith(this.prefix));
  }

  describe(): Record<string, unknown> {
    return {
      type: "MetricsDataset",
      prefix: this.#prefix ?? this.datasetName ?? null,
      ...(this.#history ? { load_args: { history: true } } : {}),
      ...(this.metadata ? { metadata: this.metadata } : {}),
    };
  }
}
