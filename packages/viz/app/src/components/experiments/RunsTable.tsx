import { formatMetric } from "../../../../src/api/experiments/metric-value.js";
import type { TrackedRun } from "../../../../src/api/types.js";
import { formatDuration, formatTime, type SortState, type ValueColumn } from "../../experiments-model.js";
import { Dotted } from "./Dotted.js";

export interface RunsTableProps {
  runs: TrackedRun[];
  metrics: ValueColumn[];
  params: ValueColumn[];
  sort: SortState | null;
  onSort: (key: string) => void;
  /** Runs ticked for comparison. */
  compared: ReadonlySet<string>;
  onToggleCompare: (runId: string) => void;
  /** The run whose details are open. */
  open: string | null;
  onOpen: (runId: string) => void;
}

/** A metric or param name: its last part stands out, what precedes it is small (`model.` `r2`). */
function ColumnName({ text }: { text: string }) {
  const dot = text.lastIndexOf(".");
  if (dot < 0) return <>{text}</>;
  return (
    <>
      <span className="kv-col-prefix">
        <Dotted text={text.slice(0, dot + 1)} />
      </span>
      {text.slice(dot + 1)}
    </>
  );
}

function SortHeader(props: {
  label: string;
  kind?: "metric" | "param";
  sortKey: string;
  sort: SortState | null;
  onSort: (key: string) => void;
  title?: string;
}) {
  const active = props.sort?.key === props.sortKey;
  return (
    <th
      className={props.kind ? "kv-value-col" : undefined}
      aria-sort={active ? (props.sort!.descending ? "descending" : "ascending") : "none"}
      title={props.title}
    >
      <button type="button" className="kv-sort" onClick={() => props.onSort(props.sortKey)}>
        {props.kind && <span className="kv-col-kind">{props.kind}</span>}
        {props.kind ? <ColumnName text={props.label} /> : props.label}
        <span aria-hidden="true">{active ? (props.sort!.descending ? " ▼" : " ▲") : ""}</span>
      </button>
    </th>
  );
}

/** The tracked runs: status, start, duration, name, then key metrics and parameters; headers sort. */
export function RunsTable(props: RunsTableProps) {
  const { runs, metrics, params, sort, onSort } = props;
  return (
    <table className="kv-xruns-table">
      <thead>
        <tr>
          <th>
            <span className="kv-sr-only">Compare</span>
          </th>
          <SortHeader label="Status" sortKey="attributes.status" sort={sort} onSort={onSort} />
          <SortHeader label="Started" sortKey="attributes.start_time" sort={sort} onSort={onSort} />
          <SortHeader label="Duration" sortKey="duration" sort={sort} onSort={onSort} />
          <SortHeader label="Name" sortKey="attributes.run_name" sort={sort} onSort={onSort} />
          {metrics.map((c) => (
            <SortHeader
              key={c.id}
              kind="metric"
              label={c.key}
              sortKey={c.id}
              sort={sort}
              onSort={onSort}
              title={c.id}
            />
          ))}
          {params.map((c) => (
            <SortHeader
              key={c.id}
              kind="param"
              label={c.key}
              sortKey={c.id}
              sort={sort}
              onSort={onSort}
              title={c.id}
            />
          ))}
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr
            key={run.runId}
            data-run={run.runId}
            className={`${props.compared.has(run.runId) ? "kv-ticked" : ""}${props.open === run.runId ? " kv-open" : ""}`}
          >
            <td>
              <input
                type="checkbox"
                aria-label={`Compare ${run.runName} ${run.runId}`}
                checked={props.compared.has(run.runId)}
                onChange={() => props.onToggleCompare(run.runId)}
              />
            </td>
            <td className={`kv-run-status kv-run-${run.status.toLowerCase()}`} title={run.error?.message}>
              {run.status.toLowerCase()}
            </td>
            <td>{formatTime(run.startTime)}</td>
            <td className="kv-num">{formatDuration(run.durationMs)}</td>
            <td>
              <button
                type="button"
                className="kv-link"
                onClick={() => props.onOpen(run.runId)}
                title={run.runId}
              >
                {run.runName}
              </button>
              <span className="kv-run-id">{run.runId}</span>
            </td>
            {metrics.map((c) => (
              <td key={c.id} className="kv-num">
                {formatMetric(run.metrics[c.key])}
              </td>
            ))}
            {params.map((c) => (
              <td key={c.id} title={run.params[c.key]}>
                {run.params[c.key] ?? "-"}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
