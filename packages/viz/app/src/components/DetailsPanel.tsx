import type { DatasetPreview } from "kiln";
import { useEffect, useState } from "react";
import type { NodeDetails, RunNode } from "../../../src/api/types.js";
import { runNodeCommand } from "../view-model.js";

export interface DetailsPanelProps {
  /** The selected element's id (a namespace box: `ns:<name>`). */
  id: string;
  pipeline: string;
  load(id: string): Promise<NodeDetails>;
  /** The task's entry in the last run, when run status is shown. */
  run: RunNode | undefined;
  /** The last run's error, shown on the failed task. */
  runError: { code: string | null; message: string } | null;
  onSelect(id: string): void;
  onExpand(namespace: string): void;
  onClose(): void;
}

/** A command with a button that copies it. */
export function CommandLine({ command }: { command: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="kv-command">
      <code>{command}</code>
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(command).then(() => setCopied(true));
        }}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}

const formatValue = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value, null, 2));

/** A dataset's preview as a table, a rendered chart, an image, JSON or text. */
export function PreviewView({ preview }: { preview: DatasetPreview }) {
  switch (preview.kind) {
    case "table": {
      const rows = (preview.data as Record<string, unknown>[]) ?? [];
      const columns = preview.schema ? Object.keys(preview.schema) : Object.keys(rows[0] ?? {});
      return (
        <div className="kv-preview-table">
          <table>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c}>
                    {c}
                    {preview.schema?.[c] && <span className="kv-dtype">{preview.schema[c]}</span>}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, r) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own
                <tr key={r}>
                  {columns.map((c) => (
                    <td key={c}>{row[c] === null || row[c] === undefined ? "" : String(row[c])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {preview.rowCount !== undefined && (
            <p className="kv-muted">
              {rows.length} of {preview.rowCount.toLocaleString("en")} rows
            </p>
          )}
        </div>
      );
    }
    case "plot": {
      const { svg } = preview.data as { svg: string };
      // As an image, so nothing in the SVG can run.
      return (
        <img
          className="kv-preview-image"
          alt="Chart preview"
          src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
        />
      );
    }
    case "image": {
      const { src, width, height } = preview.data as { src: string; width: number; height: number };
      return (
        <figure>
          <img className="kv-preview-image" alt="Dataset preview" src={src} />
          <figcaption className="kv-muted">
            {width} × {height} px
          </figcaption>
        </figure>
      );
    }
    default:
      return <pre className="kv-code">{formatValue(preview.data)}</pre>;
  }
}

function IdList({ ids, onSelect }: { ids: string[]; onSelect(id: string): void }) {
  if (ids.length === 0) return <p className="kv-muted">none</p>;
  return (
    <ul className="kv-id-list">
      {ids.map((id) => (
        <li key={id}>
          <button type="button" className="kv-link" onClick={() => onSelect(id)}>
            {id.slice(id.indexOf(":") + 1)}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** What the side panel shows for the selected element. */
export function DetailsPanel(props: DetailsPanelProps) {
  const { id, load, pipeline } = props;
  const [details, setDetails] = useState<NodeDetails | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setDetails(null);
    setError(null);
    if (id.startsWith("ns:")) return;
    load(id).then(
      (d) => live && setDetails(d),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [id, load]);

  const title = id.slice(id.indexOf(":") + 1);
  return (
    <aside className="kv-details" aria-label="Details">
      <header>
        <h2 title={title}>{title}</h2>
        <button type="button" className="kv-close" aria-label="Close details" onClick={props.onClose}>
          ×
        </button>
      </header>
      {id.startsWith("ns:") && (
        <section>
          <p>Modular pipeline (namespace), drawn as one box.</p>
          <button type="button" onClick={() => props.onExpand(title)}>
            Expand {title}
          </button>
        </section>
      )}
      {error && <p className="kv-error">{error}</p>}
      {!details && !error && !id.startsWith("ns:") && <p className="kv-muted">Loading…</p>}
      {details?.type === "task" && (
        <>
          <dl>
            <dt>Type</dt>
            <dd>task · function {details.func}</dd>
            {details.namespace && (
              <>
                <dt>Namespace</dt>
                <dd>{details.namespace}</dd>
              </>
            )}
            <dt>Tags</dt>
            <dd>{details.tags.length ? details.tags.join(", ") : "none"}</dd>
            {props.run && (
              <>
                <dt>Last run</dt>
                <dd className={`kv-status-text-${props.run.status}`}>
                  {props.run.status} in {(props.run.durationMs / 1000).toFixed(2)} s
                </dd>
              </>
            )}
          </dl>
          {props.run?.status === "failed" && props.runError && (
            <p className="kv-error">
              {props.runError.code ? `${props.runError.code}: ` : ""}
              {props.runError.message}
            </p>
          )}
          <h3>Inputs</h3>
          <IdList ids={details.inputs} onSelect={props.onSelect} />
          <h3>Outputs</h3>
          <IdList ids={details.outputs} onSelect={props.onSelect} />
          {details.parameters.length > 0 && (
            <>
              <h3>Parameters</h3>
              {details.parameters.map((p) => (
                <div key={p.name}>
                  <code>{p.name}</code>
                  <pre className="kv-code">{formatValue(p.value)}</pre>
                </div>
              ))}
            </>
          )}
          <h3>Run it</h3>
          <CommandLine command={runNodeCommand(pipeline, details.name)} />
          <h3>Source</h3>
          {details.source ? (
            <>
              <p className="kv-muted kv-source-file">
                {details.source.file}:{details.source.line}
              </p>
              <pre className="kv-code kv-source">{details.source.code}</pre>
            </>
          ) : (
            <p className="kv-muted">The function's source was not found.</p>
          )}
        </>
      )}
      {details?.type === "data" && (
        <>
          <dl>
            <dt>Type</dt>
            <dd>{details.datasetType}</dd>
            {details.filepath && (
              <>
                <dt>File path</dt>
                <dd className="kv-break">{details.filepath}</dd>
              </>
            )}
            <dt>Layer</dt>
            <dd>{details.layer ?? "none"}</dd>
            {details.versioned && (
              <>
                <dt>Versions</dt>
                <dd>
                  {details.versions.length ? details.versions.slice(0, 5).join(", ") : "none saved yet"}
                </dd>
              </>
            )}
          </dl>
          <h3>Preview</h3>
          {details.preview ? (
            <PreviewView preview={details.preview} />
          ) : (
            <p className="kv-muted">
              {details.previewError?.message ??
                (details.datasetType === "MemoryDataset"
                  ? "In memory during a run: nothing to preview."
                  : "No preview.")}
            </p>
          )}
        </>
      )}
      {details?.type === "parameters" && (
        <>
          <dl>
            <dt>Type</dt>
            <dd>parameters</dd>
          </dl>
          <h3>Value</h3>
          <pre className="kv-code">{formatValue(details.value)}</pre>
        </>
      )}
    </aside>
  );
}
