import { formatMetric } from "../../../../src/api/experiments/metric-value.js";
import type { CompareResponse, CompareRow, MetricValue } from "../../../../src/api/types.js";
import { formatTime } from "../../experiments-model.js";

export interface CompareRunsProps {
  compare: CompareResponse;
  /** Show only the rows whose values differ. */
  onlyDiff: boolean;
  onOnlyDiff: (only: boolean) => void;
  onOpen: (runId: string) => void;
  onRemove: (runId: string) => void;
}

function Rows<T extends string | MetricValue>(props: {
  title: string;
  rows: CompareRow<T>[];
  onlyDiff: boolean;
  format: (v: T | null) => string;
  width: number;
}) {
  const shown = props.rows.filter((r) => !props.onlyDiff || r.differs);
  return (
    <tbody>
      <tr className="kv-compare-section">
        <th colSpan={props.width}>
          {props.title}{" "}
          <span className="kv-muted">
            ({props.rows.filter((r) => r.differs).length} of {props.rows.length} differ)
          </span>
        </th>
      </tr>
      {shown.map((row) => (
        <tr key={row.key} className={row.differs ? "kv-differs" : undefined} data-key={row.key}>
          <th scope="row">{row.key}</th>
          {row.values.map((v, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: one cell per compared run, in their order
            <td key={i} className={v === null ? "kv-muted" : undefined}>
              {props.format(v)}
            </td>
          ))}
        </tr>
      ))}
    </tbody>
  );
}

/** Two runs or more side by side: params and metrics, rows whose values differ highlighted. */
export function CompareRuns(props: CompareRunsProps) {
  const { compare, onlyDiff } = props;
  const width = compare.runs.length + 1;
  return (
    <section className="kv-compare" aria-label="Compare runs">
      <header className="kv-section-head">
        <h2>Compare {compare.runs.length} runs</h2>
        <label className="kv-check">
          <input type="checkbox" checked={onlyDiff} onChange={(e) => props.onOnlyDiff(e.target.checked)} />
          Only differences
        </label>
      </header>
      <div className="kv-scroll">
        <table className="kv-compare-table">
          <thead>
            <tr>
              <th />
              {compare.runs.map((run) => (
                <th key={run.runId} scope="col">
                  <button type="button" className="kv-link" onClick={() => props.onOpen(run.runId)}>
                    {run.runName}
                  </button>
                  <button
                    type="button"
                    className="kv-icon"
                    aria-label={`Remove ${run.runId} from the comparison`}
                    onClick={() => props.onRemove(run.runId)}
                  >
                    ×
                  </button>
                  <span className="kv-run-id">{run.runId}</span>
                  <span className="kv-run-id">
                    {run.status.toLowerCase()} · {formatTime(run.startTime)}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <Rows
            title="Params"
            rows={compare.params}
            onlyDiff={onlyDiff}
            format={(v) => v ?? "-"}
            width={width}
          />
          <Rows
            title="Metrics"
            rows={compare.metrics}
            onlyDiff={onlyDiff}
            format={formatMetric}
            width={width}
          />
        </table>
      </div>
    </section>
  );
}
