import { linearScale, niceTicks, timeTicks } from "../../chart-scale.js";

/** One point: `id` names what it stands for (a run), for clicks and highlighting. */
export interface ChartPoint {
  x: number;
  /** NaN and ±Infinity are not drawn (they are counted under the chart). */
  y: number;
  id?: string;
  label?: string;
}

export interface ChartSeries {
  id: string;
  label: string;
  points: ChartPoint[];
}

export interface LineChartProps {
  series: ChartSeries[];
  /** What the chart shows, for screen readers. */
  title: string;
  xLabel: string;
  yLabel: string;
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
  /** Points (by id) drawn larger, ringed. */
  highlighted?: ReadonlySet<string>;
  onPointClick?: (id: string) => void;
  /** Draw only points, no lines. */
  scatter?: boolean;
  /** The x axis counts (steps): ticks on whole numbers only. */
  integerX?: boolean;
  /** The x axis holds times (milliseconds since the epoch): ticks on whole seconds, minutes, … */
  timeX?: boolean;
}

/** Series colours that read on both themes. */
export const SERIES_COLOURS = [
  "#2f6fdf",
  "#e07b24",
  "#1e9e5a",
  "#c0399a",
  "#7b61d1",
  "#0f9fb0",
  "#b59400",
  "#d93a3a",
];

const W = 640;
const H = 260;
const M = { top: 12, right: 32, bottom: 40, left: 64 };

const short = (v: number) =>
  Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3)
    ? v.toExponential(1)
    : String(Number(v.toPrecision(4)));

/** A small SVG line (or scatter) chart with axes and round ticks; no chart library. */
export function LineChart(props: LineChartProps) {
  const { series, formatX = short, formatY = short, highlighted } = props;
  const finite = series.flatMap((s) => s.points.filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x)));
  const skipped = series.reduce((n, s) => n + s.points.length, 0) - finite.length;
  if (finite.length === 0)
    return (
      <p className="kv-muted">
        No finite value to chart{skipped > 0 ? ` (${skipped} NaN or infinite)` : ""}.
      </p>
    );
  const xs = finite.map((p) => p.x);
  const ys = finite.map((p) => p.y);
  const xTicks = props.timeX
    ? timeTicks(Math.min(...xs), Math.max(...xs), 5)
    : niceTicks(Math.min(...xs), Math.max(...xs), 5, props.integerX ? 1 : 0);
  const yTicks = niceTicks(Math.min(...ys), Math.max(...ys), 5);
  const x = linearScale(xTicks[0]!, xTicks.at(-1)!, M.left, W - M.right);
  const y = linearScale(yTicks[0]!, yTicks.at(-1)!, H - M.bottom, M.top);
  return (
    <figure className="kv-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title}>
        <g className="kv-chart-grid">
          {yTicks.map((t) => (
            <g key={`y${t}`}>
              <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />
              <text x={M.left - 6} y={y(t)} dy="0.32em" textAnchor="end">
                {formatY(t)}
              </text>
            </g>
          ))}
          {xTicks.map((t) => (
            <text key={`x${t}`} x={x(t)} y={H - M.bottom + 16} textAnchor="middle">
              {formatX(t)}
            </text>
          ))}
          <text x={(M.left + W - M.right) / 2} y={H - 4} textAnchor="middle" className="kv-chart-label">
            {props.xLabel}
          </text>
          <text
            transform={`translate(12 ${(M.top + H - M.bottom) / 2}) rotate(-90)`}
            textAnchor="middle"
            className="kv-chart-label"
          >
            {props.yLabel}
          </text>
        </g>
        {series.map((s, i) => {
          const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
          const points = s.points.filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x));
          return (
            <g key={s.id} className="kv-chart-series" data-series={s.id} style={{ color: colour }}>
              {!props.scatter && points.length > 1 && (
                <polyline
                  fill="none"
                  stroke="currentColor"
                  strokeWidth={1.5}
                  points={points.map((p) => `${x(p.x)},${y(p.y)}`).join(" ")}
                />
              )}
              {points.map((p, j) => {
                const lit = p.id !== undefined && highlighted?.has(p.id);
                return (
                  // biome-ignore lint/a11y/noStaticElementInteractions: the runs table offers the same choice by keyboard
                  <circle
                    key={`${p.id ?? j}`}
                    className={`kv-chart-point${lit ? " kv-lit" : ""}`}
                    data-id={p.id}
                    cx={x(p.x)}
                    cy={y(p.y)}
                    r={lit ? 6 : 4}
                    fill="currentColor"
                    onClick={p.id && props.onPointClick ? () => props.onPointClick!(p.id!) : undefined}
                  >
                    <title>{`${p.label ?? s.label}: ${formatY(p.y)} at ${formatX(p.x)}`}</title>
                  </circle>
                );
              })}
            </g>
          );
        })}
      </svg>
      {(series.length > 1 || skipped > 0) && (
        <figcaption className="kv-chart-legend">
          {series.length > 1 &&
            series.map((s, i) => (
              <span key={s.id}>
                <i style={{ background: SERIES_COLOURS[i % SERIES_COLOURS.length] }} /> {s.label}
              </span>
            ))}
          {skipped > 0 && <span className="kv-muted">{skipped} NaN or infinite values not drawn</span>}
        </figcaption>
      )}
    </figure>
  );
}
