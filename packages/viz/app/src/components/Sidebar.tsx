import type { ElementType, GraphNode, GraphResponse, RunSummary } from "../../../src/api/types.js";
import type { ThemeName } from "../render/theme.js";
import type { ViewState } from "../view-model.js";

export interface SidebarProps {
  graph: GraphResponse;
  state: ViewState;
  matches: GraphNode[];
  lastRun: RunSummary | undefined;
  theme: ThemeName;
  onChange(patch: Partial<ViewState>): void;
  onPick(id: string): void;
  onTheme(theme: ThemeName): void;
  onExport(format: "svg" | "png"): void;
}

const TYPE_LABELS: [ElementType, string][] = [
  ["task", "Tasks"],
  ["data", "Datasets"],
  ["parameters", "Parameters"],
];

const toggled = <T,>(set: ReadonlySet<T>, value: T) => {
  const next = new Set(set);
  if (!next.delete(value)) next.add(value);
  return next;
};

/** The controls: pipeline, search, filters, namespaces, layout, run status, export, theme. */
export function Sidebar({
  graph,
  state,
  matches,
  lastRun,
  theme,
  onChange,
  onPick,
  onTheme,
  onExport,
}: SidebarProps) {
  const expandedAll = state.expanded === "all";
  const isExpanded = (id: string) => expandedAll || (state.expanded as ReadonlySet<string>).has(id);
  return (
    <nav className="kv-sidebar" aria-label="Controls">
      <label className="kv-field">
        <span>Pipeline</span>
        <select
          aria-label="Pipeline"
          value={state.pipeline}
          onChange={(event) => onChange({ pipeline: event.target.value, selected: null, slice: null })}
        >
          {graph.pipelines.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label className="kv-field">
        <span>Search</span>
        <input
          type="search"
          aria-label="Search by name"
          placeholder="node or dataset name"
          value={state.search}
          onChange={(event) => onChange({ search: event.target.value })}
        />
      </label>
      {state.search && (
        <ul className="kv-matches" aria-label="Search results">
          {matches.length === 0 && <li className="kv-muted">no match</li>}
          {matches.map((m) => (
            <li key={m.id}>
              <button type="button" className="kv-link" onClick={() => onPick(m.id)}>
                <span className={`kv-dot kv-dot-${m.type}`} />
                {m.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      <fieldset>
        <legend>Elements</legend>
        {TYPE_LABELS.map(([type, label]) => (
          <label key={type} className="kv-check">
            <input
              type="checkbox"
              checked={!state.hiddenTypes.has(type)}
              onChange={() => onChange({ hiddenTypes: toggled(state.hiddenTypes, type) })}
            />
            <span className={`kv-dot kv-dot-${type}`} />
            {label}
          </label>
        ))}
      </fieldset>
      {graph.tags.length > 0 && (
        <fieldset>
          <legend>Tags</legend>
          {graph.tags.map((tag) => (
            <label key={tag} className="kv-check">
              <input
                type="checkbox"
                aria-label={`Tag ${tag}`}
                checked={state.tags.has(tag)}
                onChange={() => onChange({ tags: toggled(state.tags, tag) })}
              />
              {tag}
            </label>
          ))}
        </fieldset>
      )}
      {graph.namespaces.length > 0 && (
        <fieldset>
          <legend>Modular pipelines</legend>
          <div className="kv-row">
            <button type="button" onClick={() => onChange({ expanded: "all" })} disabled={expandedAll}>
              Expand all
            </button>
            <button type="button" onClick={() => onChange({ expanded: new Set() })}>
              Collapse all
            </button>
          </div>
          {graph.namespaces.map((ns) => (
            <label
              key={ns.id}
              className="kv-check"
              style={{ paddingLeft: `${(ns.id.split(".").length - 1) * 12}px` }}
            >
              <input
                type="checkbox"
                aria-label={`Expand ${ns.id}`}
                checked={isExpanded(ns.id)}
                onChange={() => {
                  const current = expandedAll
                    ? new Set(graph.namespaces.map((n) => n.id))
                    : new Set(state.expanded);
                  onChange({ expanded: toggled(current, ns.id) });
                }}
              />
              {ns.name}
            </label>
          ))}
        </fieldset>
      )}
      {graph.layers.length > 0 && (
        <fieldset>
          <legend>Data layers</legend>
          <ol className="kv-layers">
            {graph.layers.map((layer) => (
              <li key={layer}>{layer}</li>
            ))}
          </ol>
        </fieldset>
      )}
      <fieldset>
        <legend>Layout</legend>
        <div className="kv-row">
          <button
            type="button"
            aria-pressed={state.direction === "LR"}
            onClick={() => onChange({ direction: "LR" })}
          >
            Left → right
          </button>
          <button
            type="button"
            aria-pressed={state.direction === "TB"}
            onClick={() => onChange({ direction: "TB" })}
          >
            Top ↓ down
          </button>
        </div>
      </fieldset>
      <fieldset>
        <legend>Last run</legend>
        {lastRun ? (
          <>
            <label className="kv-check">
              <input
                type="checkbox"
                checked={state.showRuns}
                onChange={() => onChange({ showRuns: !state.showRuns })}
              />
              Show status on the graph
            </label>
            <p className={`kv-status-text-${lastRun.status}`}>
              {lastRun.status} · {lastRun.pipeline} · {(lastRun.durationMs / 1000).toFixed(1)} s
            </p>
          </>
        ) : (
          <p className="kv-muted">No run recorded yet.</p>
        )}
      </fieldset>
      <fieldset>
        <legend>Export and theme</legend>
        <div className="kv-row">
          <button type="button" onClick={() => onExport("svg")}>
            Export SVG
          </button>
          <button type="button" onClick={() => onExport("png")}>
            Export PNG
          </button>
        </div>
        <div className="kv-row">
          <button type="button" aria-pressed={theme === "light"} onClick={() => onTheme("light")}>
            Light
          </button>
          <button type="button" aria-pressed={theme === "dark"} onClick={() => onTheme("dark")}>
            Dark
          </button>
        </div>
      </fieldset>
      <p className="kv-muted kv-hint">
        Click a box for details; shift-click a second one to see the slice between them.
      </p>
    </nav>
  );
}
