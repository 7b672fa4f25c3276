import { useState } from "react";
import { metricNumber } from "../../../../src/api/experiments/metric-value.js";
import type { TrackedRun } from "../../../../src/api/types.js";
import { LineChart } from "./LineChart.js";

export interface MetricsOverRunsProps {
  /** The runs listed (as filtered). */
  runs: TrackedRun[];
  metricKeys: string[];
  /** Parameters offered as the x axis (those that vary). */
  paramKeys: string[];
  /** The metric chosen; null: the first. */
  metric: string | null;
  onMetric: (metric: string) => void;
  /** Runs drawn larger (those ticked for comparison). */
  highlighted: ReadonlySet<string>;
  onOpen: (runId: string) => void;
}

const TIME = "start_time";

/** Labels for times: the day only when the runs span days. */
function timeFormat(span: number): (ms: number) => string {
  const two = (n: number) => String(n).padStart(2, "0");
  return (ms) => {
    const d = new Date(ms);
    const clock = `${two(d.getHours())}:${two(d.getMinutes())}${span < 3_600_000 ? `:${two(d.getSeconds())}` : ""}`;
    return span >= 86_400_000 ? `${two(d.getMonth() + 1)}-${two(d.getDate())} ${clock}` : clock;
  };
}

/**
 * A metric over the runs listed: against their start time (a line, in time order), or against a
 * parameter that reads as a number (points). A click on a point opens that run.
 */
export function MetricsOverRuns(props: MetricsOverRunsProps) {
  const [xAxis, setXAxis] = useState(TIME);
  const metric =
    props.metric && props.metricKeys.includes(props.metric) ? props.metric : props.metricKeys[0]!;
  const numericParams = props.paramKeys.filter((k) =>
    props.runs.some(
      (r) => r.params[k] !== undefined && r.params[k]!.trim() !== "" && !Number.isNaN(Number(r.params[k])),
    ),
  );
  const axis = xAxis === TIME || numericParams.includes(xAxis) ? xAxis : TIME;
  const withValue = props.runs.filter((r) => r.metrics[metric] !== undefined);
  const points = withValue
    .map((r) => ({
      x: axis === TIME ? r.startTime : Number(r.params[axis] ?? Number.NaN),
      y: metricNumber(r.metrics[metric]!),
      id: r.runId,
      label: `${r.runName} (${r.runId})`,
    }))
    .sort((a, b) => a.x - b.x);
  const span = axis === TIME && points.length > 0 ? points.at(-1)!.x - points[0]!.x : 0;
  return (
    <section className="kv-metric-chart" aria-label="Metric over runs">
      <header className="kv-section-head">
        <h2>Metric over runs</h2>
        <label className="kv-field kv-inline">
          <span>Metric</span>
          <select aria-label="Chart metric" value={metric} onChange={(e) => props.onMetric(e.target.value)}>
            {props.metricKeys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label className="kv-field kv-inline">
          <span>Against</span>
          <select aria-label="Chart x axis" value={axis} onChange={(e) => setXAxis(e.target.value)}>
            <option value={TIME}>start time</option>
            {numericParams.map((k) => (
              <option key={k} value={k}>
                params.{k}
              </option>
            ))}
          </select>
        </label>
        <span className="kv-muted">
          {withValue.length} of {props.runs.length} runs have it
        </span>
      </header>
      <LineChart
        title={`${metric} over runs`}
        xLabel={axis === TIME ? "run start" : `params.${axis}`}
        yLabel={metric}
        scatter={axis !== TIME}
        series={[{ id: metric, label: metric, points }]}
        highlighted={props.highlighted}
        onPointClick={props.onOpen}
        {...(axis === TIME ? { formatX: timeFormat(span), timeX: true } : {})}
      />
    </section>
  );
}
