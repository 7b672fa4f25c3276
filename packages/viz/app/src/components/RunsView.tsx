import type { RunSummary } from "../../../src/api/types.js";

/** The recorded runs as a table, newest first: outcome, pipeline, when, how long, command, error. */
export function RunsView({ runs }: { runs: RunSummary[] }) {
  if (runs.length === 0)
    return <p className="kv-empty">No run recorded yet: kiln run writes .kiln/runs.jsonl.</p>;
  return (
    <div className="kv-runs">
      <table>
        <thead>
          <tr>
            <th>Status</th>
            <th>Pipeline</th>
            <th>Started</th>
            <th>Duration</th>
            <th>Nodes</th>
            <th>Command</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.runId}>
              <td className={`kv-status-text-${run.status}`}>{run.status}</td>
              <td>{run.pipeline}</td>
              <td>{new Date(run.startedAt).toLocaleString()}</td>
              <td>{(run.durationMs / 1000).toFixed(1)} s</td>
              <td>{run.nodes.length}</td>
              <td>
                <code>{run.command ?? "(from code)"}</code>
              </td>
              <td>{run.error ? `${run.error.code ?? ""} ${run.error.message}` : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
