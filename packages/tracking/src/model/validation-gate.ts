// A model-validation gate (Valohai's validation step, as a node): it fails the run when a metric
// misses its threshold, and a failed run of a training/inference pair packages and registers nothing.
import { type Node, node } from "kiln";
import { ModelError } from "./model-error.js";

/** Bounds for one metric: the value must be at least `min` and at most `max` (either may be left out). */
export interface MetricBounds {
  min?: number;
  max?: number;
}

/** Thresholds by metric name, e.g. `{ r2_score: { min: 0.5 }, mae: { max: 1500 } }`. */
export type MetricThresholds = Readonly<Record<string, MetricBounds>>;

/** What {@link validationGate} takes. */
export interface ValidationGateOptions {
  /** The node's name (default `validate_model`). */
  name?: string;
  /** The dataset holding the metrics: an object of numbers (or `{ value }` records, as metric datasets log them). */
  metrics: string;
  /**
   * The bounds, or the parameters input that holds them (`"params:model_validation"`), so they live in
   * parameters.yml and change per environment.
   */
  thresholds: MetricThresholds | `params:${string}`;
  /** Where a passing check's outcome is saved (e.g. a JSON dataset, for the run's records); none by default. */
  output?: string;
  tags?: string | Iterable<string>;
  namespace?: string;
}

/** One metric's check, as the gate's output records it. */
export interface MetricCheck {
  value: number;
  min: number | null;
  max: number | null;
  passed: boolean;
}

function badThresholds(where: string, what: string): ModelError {
  return new ModelError("KILN_MODEL_BAD_THRESHOLDS", `${where}: ${what}.`, {
    hint: "Give { metric: { min?: number, max?: number } }, e.g. { r2_score: { min: 0.5 }, mae: { max: 1500 } }.",
  });
}

/** Checks the thresholds' shape, naming what is wrong where. */
function checkThresholds(value: unknown, where: string): MetricThresholds {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw badThresholds(where, `the thresholds are ${JSON.stringify(value)}, not a mapping of metric names`);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) throw badThresholds(where, "no metric has a threshold");
  for (const [metric, bounds] of entries) {
    if (bounds === null || typeof bounds !== "object" || Array.isArray(bounds))
      throw badThresholds(where, `"${metric}" is ${JSON.stringify(bounds)}, not { min?, max? }`);
    const keys = Object.keys(bounds);
    const unknown = keys.filter((k) => k !== "min" && k !== "max");
    if (unknown.length > 0 || keys.length === 0)
      throw badThresholds(
        where,
        `"${metric}" has ${unknown.length > 0 ? `unknown keys ${unknown.join(", ")}` : "neither min nor max"}`,
      );
    for (const k of keys) {
      const n = (bounds as Record<string, unknown>)[k];
      if (typeof n !== "number" || !Number.isFinite(n))
        throw badThresholds(where, `"${metric}.${k}" is ${JSON.stringify(n)}, not a number`);
    }
  }
  return value as MetricThresholds;
}

/** A metric's value: a number, or the `value` of a `{ value, step }` record (the last of a list). */
function metricValue(metrics: Record<string, unknown>, name: string): number | undefined {
  let v = metrics[name];
  if (Array.isArray(v)) v = v[v.length - 1];
  if (v !== null && typeof v === "object" && "value" in v) v = (v as { value: unknown }).value;
  return typeof v === "number" ? v : undefined;
}

/**
 * A node that checks a model's metrics against thresholds and fails the run when one is missed, so
 * a training/inference pair's worse model is never packaged or registered. Put it after the node
 * that computes the metrics, in the pair's training pipeline.
 * @throws ModelError `KILN_MODEL_BAD_THRESHOLDS` now for literal thresholds of the wrong shape; the
 * node throws `KILN_MODEL_VALIDATION_FAILED` (and `KILN_MODEL_BAD_THRESHOLDS` for parameters of the
 * wrong shape) when it runs.
 * @example
 * validationGate({ metrics: "active_modelling_pipeline.metrics", thresholds: "params:model_validation" })
 * // parameters.yml:  model_validation: { r2_score: { min: 0.5 } }
 */
export function validationGate(options: ValidationGateOptions): Node {
  const name = options.name ?? "validate_model";
  const fromParams = typeof options.thresholds === "string";
  if (typeof options.thresholds === "string" && !options.thresholds.startsWith("params:"))
    throw badThresholds(
      `validationGate("${name}")`,
      `thresholds "${options.thresholds}" is no parameters input`,
    );
  const literal = fromParams ? undefined : checkThresholds(options.thresholds, `validationGate("${name}")`);

  const check = (metrics: unknown, thresholds: unknown): Record<string, MetricCheck> => {
    const bounds = literal ?? checkThresholds(thresholds, `${options.thresholds} (node "${name}")`);
    if (metrics === null || typeof metrics !== "object")
      throw new ModelError(
        "KILN_MODEL_VALIDATION_FAILED",
        `Node "${name}": "${options.metrics}" holds ${JSON.stringify(metrics)}, not metrics.`,
        {
          hint: "Feed it the dataset your evaluation node returns ({ r2_score: 0.8, … }).",
        },
      );
    const values = metrics as Record<string, unknown>;
    const checks: Record<string, MetricCheck> = {};
    const failures: string[] = [];
    for (const [metric, { min, max }] of Object.entries(bounds)) {
      const value = metricValue(values, metric);
      if (value === undefined) {
        throw new ModelError(
          "KILN_MODEL_VALIDATION_FAILED",
          `Node "${name}": "${options.metrics}" has no metric "${metric}".`,
          {
            hint: `It has ${
              Object.keys(values)
                .map((k) => `"${k}"`)
                .join(", ") || "none"
            }; name one of them in the thresholds.`,
          },
        );
      }
      const passed =
        !Number.isNaN(value) && (min === undefined || value >= min) && (max === undefined || value <= max);
      checks[metric] = { value, min: min ?? null, max: max ?? null, passed };
      if (!passed)
        failures.push(
          `${metric} ${value} ${Number.isNaN(value) ? "is not a number" : min !== undefined && value < min ? `is below its minimum ${min}` : `is above its maximum ${max}`}`,
        );
    }
    if (failures.length > 0) {
      throw new ModelError(
        "KILN_MODEL_VALIDATION_FAILED",
        `Model validation failed (node "${name}"): ${failures.join("; ")}.`,
        {
          hint: `The run fails, so this model is neither packaged nor registered. Improve it, or change the thresholds${fromParams ? ` (${options.thresholds} in parameters.yml)` : ""} if they are wrong.`,
        },
      );
    }
    return checks;
  };

  return node({
    func: fromParams ? check : (metrics: unknown) => check(metrics, undefined),
    inputs: fromParams ? [options.metrics, options.thresholds as string] : options.metrics,
    outputs: options.output ?? null,
    name,
    ...(options.tags === undefined ? {} : { tags: options.tags }),
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
  });
}
