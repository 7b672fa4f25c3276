import { useState } from "react";
import { formatMetric, metricNumber } from "../../../../src/api/experiments/metric-value.js";
import type { TrackedRunDetails } from "../../../../src/api/types.js";
import { formatDuration, formatTime } from "../../experiments-model.js";
import { Dotted } from "./Dotted.js";
import { LineChart } from "./LineChart.js";

export interface RunDetailsProps {
  run: TrackedRunDetails;
  onClose: () => void;
}

function KeyValues({ entries, label }: { entries: [string, string][]; label: string }) {
  if (entries.length === 0) return <p className="kv-muted">No {label}.</p>;
  return (
    <table className="kv-kv-table" aria-label={label}>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">
              <Dotted text={k} />
            </th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const sizeText = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 ** 2
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/** One tracked run: what it was, its metrics (each one's history over steps), params, tags, nodes, lineage, artifacts. */
export function RunDetails({ run, onClose }: RunDetailsProps) {
  const metricKeys = Object.keys(run.metrics).sort();
  const firstWithSteps = metricKeys.find((k) => (run.metricHistory[k]?.length ?? 0) > 1);
  const [chosen, setChosen] = useState<string | null>(null);
  const metric = chosen && run.metricHistory[chosen] ? chosen : (firstWithSteps ?? metricKeys[0] ?? null);
  const history = metric ? (run.metricHistory[metric] ?? []) : [];
  const slowest = Math.max(1, ...run.nodes.map((n) => n.durationMs ?? 0));
  return (
    <aside className="kv-run-details" aria-label={`Run ${run.runName}`}>
      <header className="kv-section-head">
        <h2>{run.runName}</h2>
        <button type="button" aria-label="Close the run" onClick={onClose}>
          ×
        </button>
      </header>
      <dl className="kv-dl">
        <dt>Run</dt>
        <dd className="kv-break">{run.runId}</dd>
        <dt>Status</dt>
        <dd className={`kv-run-${run.status.toLowerCase()}`}>{run.status.toLowerCase()}</dd>
        <dt>Started</dt>
        <dd>
          {formatTime(run.startTime)},{" "}
          {run.endTime === null ? "still running" : `took ${formatDuration(run.durationMs)}`}
        </dd>
        <dt>Experiment</dt>
        <dd>{run.experiment}</dd>
        {run.userId && (
          <>
            <dt>User</dt>
            <dd>{run.userId}</dd>
          </>
        )}
        {run.error && (
          <>
            <dt>Error</dt>
            <dd className="kv-error">
              {run.error.code ? `${run.error.code}: ` : ""}
              {run.error.message}
            </dd>
          </>
        )}
        <dt>Artifacts</dt>
        <dd className="kv-break">{run.artifactUri}</dd>
      </dl>

      <h3>Metrics ({metricKeys.length})</h3>
      {metricKeys.length === 0 ? (
        <p className="kv-muted">No metrics.</p>
      ) : (
        <table className="kv-kv-table" aria-label="metrics">
          <thead>
            <tr>
              <th>metric</th>
              <th>latest</th>
              <th>steps</th>
            </tr>
          </thead>
          <tbody>
            {metricKeys.map((k) => (
              <tr key={k} className={k === metric ? "kv-open" : undefined}>
                <th scope="row">
                  <button
                    type="button"
                    className="kv-link"
                    aria-pressed={k === metric}
                    onClick={() => setChosen(k)}
                  >
                    {k}
                  </button>
                </th>
                <td className="kv-num">{formatMetric(run.metrics[k])}</td>
                <td className="kv-num">{run.metricHistory[k]?.length ?? 1}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {metric && history.length === 1 && (
        <p className="kv-muted kv-history">
          {metric}: one value, at step {history[0]!.step}.
        </p>
      )}
      {metric && history.length > 1 && (
        <div className="kv-history">
          <h4>
            {metric} <span className="kv-muted">over steps</span>
          </h4>
          <LineChart
            title={`${metric} over steps`}
            xLabel="step"
            yLabel={metric}
            integerX
            series={[
              {
                id: metric,
                label: metric,
                points: history.map((p) => ({
                  x: p.step,
                  y: metricNumber(p.value),
                  label: `step ${p.step}`,
                })),
              },
            ]}
          />
        </div>
      )}

      <h3>Params ({Object.keys(run.params).length})</h3>
      <KeyValues label="params" entries={Object.entries(run.params).sort(([a], [b]) => a.localeCompare(b))} />

      <h3>Nodes ({run.nodes.length})</h3>
      <table className="kv-kv-table kv-nodes-table" aria-label="nodes">
        <tbody>
          {run.nodes.map((n) => (
            <tr key={n.name} title={n.error ?? undefined}>
              <th scope="row">{n.name}</th>
              <td className={`kv-run-${n.status}`}>{n.status}</td>
              <td className="kv-num">{formatDuration(n.durationMs)}</td>
              <td className="kv-bar-cell">
                <span className="kv-bar" style={{ width: `${((n.durationMs ?? 0) / slowest) * 100}%` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <details>
        <summary>Tags ({Object.keys(run.tags).length})</summary>
        <KeyValues label="tags" entries={Object.entries(run.tags).sort(([a], [b]) => a.localeCompare(b))} />
      </details>
      <details>
        <summary>Lineage ({run.lineage.length})</summary>
        <table className="kv-kv-table" aria-label="lineage">
          <tbody>
            {run.lineage.map((l) => (
              <tr key={`${l.node} ${l.direction} ${l.dataset}`}>
                <td>{l.node}</td>
                <td aria-label={l.direction}>{l.direction === "input" ? "←" : "→"}</td>
                <td>{l.dataset}</td>
                <td className="kv-muted">{l.version ?? ""}</td>
                <td className="kv-muted">
                  {l.location ?? (l.datasetType === "MemoryDataset" ? "(memory)" : "")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <details open={run.artifacts.length > 0}>
        <summary>Artifacts ({run.artifacts.length})</summary>
        <table className="kv-kv-table" aria-label="artifacts">
          <tbody>
            {run.artifacts.map((a) => (
              <tr key={a.path}>
                <td className="kv-break">{a.path}</td>
                <td className="kv-num">{sizeText(a.size)}</td>
                <td className="kv-muted">{a.dataset ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <p className="kv-hint kv-muted">
        {run.logLines} log lines: <code>kiln tracking show {run.runId} --logs</code>
      </p>
    </aside>
  );
}
