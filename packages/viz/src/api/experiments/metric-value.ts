// Metric values through JSON: numbers stay numbers; NaN and ±Infinity, which JSON cannot hold,
// travel as their text. Shared by the API and the page.
import type { MetricValue } from "../experiment-types.js";

/** A logged number as the API writes it. */
export function toMetricValue(value: number): MetricValue {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}

/** The number a {@link MetricValue} stands for. */
export function metricNumber(value: MetricValue): number {
  return typeof value === "number" ? value : Number(value);
}

/** A metric value as the page shows it: up to 6 significant digits, `NaN`, `Infinity`. */
export function formatMetric(value: MetricValue | null | undefined): string {
  if (value === null || value === undefined) return "-";
  if (typeof value !== "number") return value;
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}
