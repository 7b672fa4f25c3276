import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { GraphResponse, NodeDetails, RunSummary } from "../../../src/api/types.js";
import { api } from "../api-client.js";
import type { ExperimentsState } from "../experiments-model.js";
import { runLayout } from "../layout/run-layout.js";
import type { Scene } from "../render/scene.js";
import { download, sceneToSvg, svgToPng } from "../render/svg-export.js";
import { applyTheme, type ThemeName } from "../render/theme.js";
import { mark, timings } from "../timings.js";
import { formatViewState, parseExperimentsState, parseTab, parseViewState, type Tab } from "../url-state.js";
import {
  buildView,
  defaultViewState,
  runStatuses,
  searchNodes,
  sliceBetween,
  type ViewGraph,
  type ViewState,
} from "../view-model.js";
import { CommandLine, DetailsPanel } from "./DetailsPanel.js";
import { ExperimentsView } from "./experiments/ExperimentsView.js";
import { GraphCanvas } from "./GraphCanvas.js";
import { RunsView } from "./RunsView.js";
import { Sidebar } from "./Sidebar.js";

declare global {
  interface Window {
    /** Timings the benchmarks read: when the first graph was drawn, and its layout time. */
    __kilnViz?: {
      readyAt: number;
      layoutMs: number;
      nodes: number;
      edges: number;
      marks: Record<string, number>;
    };
  }
}

const initialTheme = (): ThemeName => {
  const saved = typeof localStorage !== "undefined" ? localStorage.getItem("kiln-viz-theme") : null;
  if (saved === "light" || saved === "dark") return saved;
  return typeof matchMedia !== "undefined" && matchMedia("(prefers-color-scheme: dark)").matches
    ? "dark"
    : "light";
};

export function App() {
  const [state, setState] = useState<ViewState>(() => parseViewState(location.search));
  const explicitPipeline = useRef(new URLSearchParams(location.search).has("pipeline"));
  const [graph, setGraph] = useState<GraphResponse | null>(null);
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [drawn, setDrawn] = useState<{ view: ViewGraph; scene: Scene } | null>(null);
  const [theme, setTheme] = useState<ThemeName>(initialTheme);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>(() => parseTab(location.search));
  const [experiments, setExperiments] = useState<ExperimentsState>(() =>
    parseExperimentsState(location.search),
  );
  const [focus, setFocus] = useState<{ id: string; nonce: number } | null>(null);
  const [reloads, setReloads] = useState(0);
  const loaded = useRef<{ pipeline: string; reloads: number } | null>(null);

  useEffect(() => applyTheme(theme), [theme]);

  // The graph of the pipeline shown (the server's opening one until another is chosen), and the runs;
  // again when --autoreload says the project changed (`reloads`).
  useEffect(() => {
    // The server's opening pipeline, once loaded, is not fetched again under its own name.
    const done = loaded.current;
    if (done && done.pipeline === state.pipeline && done.reloads === reloads) return;
    let live = true;
    const pipeline = explicitPipeline.current ? state.pipeline : null;
    // Both before the first drawing, so run status does not lay the graph out a second time.
    const runs = api.runs().then(
      (r) => r.runs,
      () => [] as RunSummary[],
    );
    Promise.all([api.graph(pipeline), runs]).then(
      ([g, r]) => {
        mark("graphFetched");
        if (!live) return;
        loaded.current = { pipeline: g.pipeline, reloads };
        setError(null);
        setRuns(r);
        setGraph(g);
        if (g.pipeline !== state.pipeline) setState((s) => ({ ...s, pipeline: g.pipeline }));
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [state.pipeline, reloads]);

  useEffect(
    () =>
      api.events(
        () => {
          setNotice(null);
          setReloads((n) => n + 1);
        },
        (message) => setNotice(`Reload failed: ${message}`),
      ),
    [],
  );

  useEffect(() => {
    history.replaceState(
      null,
      "",
      `${location.pathname}${formatViewState(state, { tab, experiments })}${location.hash}`,
    );
  }, [state, tab, experiments]);
  const updateExperiments = useCallback(
    (patch: Partial<ExperimentsState>) => setExperiments((s) => ({ ...s, ...patch })),
    [],
  );

  const statuses = useMemo(() => (graph ? runStatuses(graph, runs) : new Map()), [graph, runs]);
  const lastRun = useMemo(
    () => (graph ? (runs.find((r) => r.pipeline === graph.pipeline) ?? runs[0]) : undefined),
    [graph, runs],
  );
  const { hiddenTypes, tags, expanded, showRuns } = state;
  // Only what changes the drawing lays it out again (not the selection, the search or a slice).
  const view = useMemo(
    () =>
      graph
        ? buildView(
            graph,
            { ...defaultViewState(), hiddenTypes, tags, expanded },
            showRuns ? statuses : new Map(),
          )
        : null,
    [graph, hiddenTypes, tags, expanded, showRuns, statuses],
  );

  useEffect(() => {
    if (!view || !graph) return;
    let live = true;
    mark("layoutRequested");
    runLayout({
      nodes: view.nodes,
      edges: view.edges,
      layers: graph.layers,
      direction: state.direction,
    }).then((scene) => {
      mark("layoutReceived");
      if (live) setDrawn({ view, scene });
    });
    return () => {
      live = false;
    };
  }, [view, graph, state.direction]);

  // Marks the page ready once a drawing is on screen (the end-to-end tests and benchmarks wait for it).
  useEffect(() => {
    if (!drawn) return;
    const frame = requestAnimationFrame(() => {
      document.documentElement.dataset.vizState = "ready";
      window.__kilnViz ??= {
        readyAt: performance.now(),
        layoutMs: drawn.scene.layoutMs,
        nodes: drawn.view.nodes.length,
        edges: drawn.view.edges.length,
        marks: timings,
      };
    });
    return () => cancelAnimationFrame(frame);
  }, [drawn]);

  const update = useCallback((patch: Partial<ViewState>) => {
    if (patch.pipeline !== undefined) explicitPipeline.current = true;
    setState((s) => ({ ...s, ...patch }));
  }, []);

  const slice = useMemo(
    () => (graph && state.slice ? sliceBetween(graph, state.slice[0], state.slice[1]) : null),
    [graph, state.slice],
  );
  const matches = useMemo(() => (graph ? searchNodes(graph, state.search) : []), [graph, state.search]);
  const highlighted = useMemo(() => {
    const ids = new Set<string>();
    if (!drawn) return ids;
    const add = (id: string) => {
      const box = drawn.view.shownAs.get(id);
      if (box) ids.add(box);
    };
    if (slice) for (const id of slice.ids) add(id);
    else for (const m of matches) add(m.id);
    return ids;
  }, [drawn, slice, matches]);

  const selectedBox =
    state.selected && drawn ? (drawn.view.shownAs.get(state.selected) ?? state.selected) : null;
  const loadDetails = useCallback(
    (id: string): Promise<NodeDetails> => api.node(id, state.pipeline),
    [state.pipeline],
  );

  const expand = (namespace: string) => {
    if (state.expanded === "all") return;
    update({ expanded: new Set([...state.expanded, namespace]) });
  };
  const collapse = (namespace: string) => {
    const all = state.expanded === "all" ? (graph?.namespaces.map((n) => n.id) ?? []) : [...state.expanded];
    update({ expanded: new Set(all.filter((n) => n !== namespace && !n.startsWith(`${namespace}.`))) });
  };

  const exportAs = async (format: "svg" | "png") => {
    if (!drawn || !graph) return;
    const svg = sceneToSvg(drawn.view, drawn.scene, theme);
    const name = `${graph.project}-${graph.pipeline}`;
    if (format === "svg") download(new Blob([svg], { type: "image/svg+xml" }), `${name}.svg`);
    else download(await svgToPng(svg, drawn.scene.width, drawn.scene.height), `${name}.png`);
  };

  const selectedNode = state.selected && graph ? graph.nodes.find((n) => n.id === state.selected) : undefined;
  const selectedRun =
    selectedNode?.type === "task" && lastRun
      ? lastRun.nodes.find((n) => n.name === selectedNode.name)
      : undefined;

  if (error && !graph) {
    return (
      <main className="kv-app kv-failed">
        <h1>Kiln Viz</h1>
        <p className="kv-error">{error}</p>
      </main>
    );
  }
  return (
    <div className={`kv-app${tab === "experiments" ? " kv-no-side" : ""}`}>
      <header className="kv-topbar">
        <h1>
          Kiln Viz <span className="kv-muted">{graph?.project}</span>
        </h1>
        <div className="kv-tabs" role="tablist">
          <button
            type="button"
            role="tab"
            aria-selected={tab === "flowchart"}
            onClick={() => setTab("flowchart")}
          >
            Flowchart
          </button>
          <button type="button" role="tab" aria-selected={tab === "runs"} onClick={() => setTab("runs")}>
            Runs
          </button>
          {graph?.features.tracking && (
            <button
              type="button"
              role="tab"
              aria-selected={tab === "experiments"}
              onClick={() => setTab("experiments")}
            >
              Experiments
            </button>
          )}
        </div>
        {notice && <p className="kv-error kv-notice">{notice}</p>}
      </header>
      {graph && tab !== "experiments" && (
        <Sidebar
          graph={graph}
          state={state}
          matches={matches}
          lastRun={lastRun}
          theme={theme}
          onChange={update}
          onPick={(id) => {
            update({ selected: id, slice: null });
            const box = drawn?.view.shownAs.get(id);
            if (box) setFocus({ id: box, nonce: Date.now() });
          }}
          onTheme={(t) => {
            setTheme(t);
            localStorage.setItem("kiln-viz-theme", t);
          }}
          onExport={(format) => void exportAs(format)}
        />
      )}
      <main className="kv-main">
        {tab === "runs" && <RunsView runs={runs} />}
        {tab === "experiments" && graph?.features.tracking && (
          <ExperimentsView state={experiments} onChange={updateExperiments} />
        )}
        {tab === "experiments" && graph && !graph.features.tracking && (
          <p className="kv-empty">This project does not use @kiln/tracking, so it has no tracked runs.</p>
        )}
        {tab === "flowchart" && !drawn && <p className="kv-empty">Laying out the pipeline…</p>}
        {tab === "flowchart" && drawn && (
          <>
            {drawn.view.nodes.length === 0 && (
              <p className="kv-empty">Nothing to show: every element is filtered out.</p>
            )}
            <GraphCanvas
              view={drawn.view}
              scene={drawn.scene}
              selected={selectedBox}
              highlighted={highlighted}
              dimOthers={slice !== null}
              showStatus={state.showRuns}
              focus={focus}
              onNodeClick={(id, shift) => {
                if (id.startsWith("ns:") && !shift) {
                  expand(id.slice(3));
                  return;
                }
                if (shift && state.selected && state.selected !== id) update({ slice: [state.selected, id] });
                else update({ selected: id, slice: null });
              }}
              onOutlineClick={collapse}
              onBackgroundClick={() => update({ selected: null, slice: null })}
            />
            {state.slice && (
              <div className="kv-slice" role="status">
                {slice ? (
                  <>
                    <strong>Slice:</strong> {slice.ids.size} elements
                    <CommandLine command={slice.command} />
                  </>
                ) : (
                  <span>No path joins these two elements.</span>
                )}
                <button type="button" onClick={() => update({ slice: null })}>
                  Clear slice
                </button>
              </div>
            )}
          </>
        )}
      </main>
      {tab === "flowchart" && state.selected && (
        <DetailsPanel
          id={state.selected}
          pipeline={state.pipeline}
          load={loadDetails}
          run={state.showRuns ? selectedRun : undefined}
          runError={lastRun?.error ?? null}
          onSelect={(id) => {
            update({ selected: id, slice: null });
            const box = drawn?.view.shownAs.get(id);
            if (box) setFocus({ id: box, nonce: Date.now() });
          }}
          onExpand={(ns) => {
            expand(ns);
            update({ selected: null });
          }}
          onClose={() => update({ selected: null, slice: null })}
        />
      )}
    </div>
  );
}
