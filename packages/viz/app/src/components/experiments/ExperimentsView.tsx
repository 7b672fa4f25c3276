import { useEffect, useMemo, useState } from "react";
import type {
  CompareResponse,
  ExperimentsResponse,
  TrackedRunDetails,
  TrackedRunsResponse,
} from "../../../../src/api/types.js";
import { ApiError, api, type ExperimentsClient, isStaticSite } from "../../api-client.js";
import {
  type ExperimentsState,
  keyColumns,
  nextSort,
  orderByText,
  parseIdentifier,
  sortRuns,
} from "../../experiments-model.js";
import { CompareRuns } from "./CompareRuns.js";
import { FilterBox } from "./FilterBox.js";
import { MetricsOverRuns } from "./MetricsOverRuns.js";
import { RunDetails } from "./RunDetails.js";
import { RunsTable } from "./RunsTable.js";

export interface ExperimentsViewProps {
  state: ExperimentsState;
  onChange: (patch: Partial<ExperimentsState>) => void;
  /** Where the runs come from (default: the viz API, or a static site's files). */
  client?: ExperimentsClient;
  /** A static site cannot filter (the server does); it sorts what it holds. */
  staticSite?: boolean;
}

const FILTER_CODES = new Set(["KILN_TRACKING_BAD_FILTER", "KILN_TRACKING_BAD_ORDER_BY"]);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The runs @kiln/tracking recorded: a sortable table with key metrics and params, a filter in
 * MLflow's syntax, a metric charted over runs, a run's details with its metrics' history, and
 * runs ticked side by side. Its state lives in the URL (App keeps it).
 */
export function ExperimentsView({
  state,
  onChange,
  client = api,
  staticSite = isStaticSite(),
}: ExperimentsViewProps) {
  const [info, setInfo] = useState<ExperimentsResponse | null>(null);
  const [listing, setListing] = useState<TrackedRunsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filterError, setFilterError] = useState<{ message: string; hint?: string | undefined } | null>(null);
  const [refreshes, setRefreshes] = useState(0);
  const [compared, setCompared] = useState<CompareResponse | { failed: string } | null>(null);
  const [details, setDetails] = useState<TrackedRunDetails | { failed: string } | null>(null);
  const [onlyDiff, setOnlyDiff] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `refreshes` (the Refresh button) reads the store again
  useEffect(() => {
    let live = true;
    client.experiments().then(
      (answer) => live && setInfo(answer),
      (e) => live && setError(message(e)),
    );
    return () => {
      live = false;
    };
  }, [client, refreshes]);

  // The runs are asked for at once (null: the server's default experiment), not after `info`.
  const experiment = state.experiment ?? info?.defaultExperiment ?? null;
  const filter = staticSite ? "" : state.filter;
  const orderBy = staticSite ? undefined : orderByText(state.sort);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `refreshes` (the Refresh button) reads the store again
  useEffect(() => {
    let live = true;
    client
      .trackedRuns(state.experiment, { ...(filter ? { filter } : {}), ...(orderBy ? { orderBy } : {}) })
      .then(
        (answer) => {
          if (!live) return;
          setListing(answer);
          setError(null);
          setFilterError(null);
        },
        (e: unknown) => {
          if (!live) return;
          if (e instanceof ApiError && FILTER_CODES.has(e.code))
            setFilterError({ message: e.message, hint: e.hint });
          else if (e instanceof ApiError && e.code === "HTTP_404" && staticSite) setListing(null);
          else setError(message(e));
        },
      );
    return () => {
      live = false;
    };
  }, [client, state.experiment, filter, orderBy, staticSite, refreshes]);

  const compareIds = state.compare;
  const compareKey = compareIds.join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: `refreshes` (the Refresh button) reads the store again
  useEffect(() => {
    if (compareKey.split(",").length < 2) return setCompared(null);
    let live = true;
    client.compare(compareKey.split(",")).then(
      (answer) => live && setCompared(answer),
      (e) => live && setCompared({ failed: message(e) }),
    );
    return () => {
      live = false;
    };
  }, [client, compareKey, refreshes]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `refreshes` (the Refresh button) reads the store again
  useEffect(() => {
    if (!state.run) return setDetails(null);
    let live = true;
    client.trackedRun(state.run).then(
      (answer) => live && setDetails(answer),
      (e) => live && setDetails({ failed: message(e) }),
    );
    return () => {
      live = false;
    };
  }, [client, state.run, refreshes]);

  const runs = useMemo(() => sortRuns(listing?.runs ?? [], state.sort), [listing, state.sort]);
  const columns = useMemo(
    () =>
      keyColumns(runs, listing?.metricKeys ?? [], listing?.paramKeys ?? [], [filter, state.sort?.key ?? ""]),
    [runs, listing, filter, state.sort],
  );
  const ticked = useMemo(() => new Set(compareIds), [compareIds]);
  const toggle = (id: string) =>
    onChange({ compare: ticked.has(id) ? compareIds.filter((c) => c !== id) : [...compareIds, id] });

  const experiments = info
    ? [
        ...new Set([
          info.defaultExperiment,
          ...info.experiments.map((e) => e.name),
          ...(experiment ? [experiment] : []),
        ]),
      ]
    : [];
  return (
    <div className={`kv-experiments${details ? " kv-with-details" : ""}`}>
      <div className="kv-x-main">
        <header className="kv-x-toolbar">
          <label className="kv-field">
            <span>Experiment</span>
            <select
              aria-label="Experiment"
              value={experiment ?? ""}
              onChange={(e) => onChange({ experiment: e.target.value, compare: [], run: null })}
            >
              {experiments.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <FilterBox
            value={filter}
            onApply={(text) => onChange({ filter: text })}
            error={filterError}
            disabledReason={
              staticSite
                ? "Filters need kiln viz: this static site holds each experiment's newest runs, unfiltered."
                : null
            }
          />
          <button type="button" onClick={() => setRefreshes((n) => n + 1)}>
            Refresh
          </button>
        </header>
        {error && <p className="kv-error">{error}</p>}
        {info && !info.storeExists && (
          <p className="kv-empty">No run tracked yet: kiln run records each run in {info.store}.</p>
        )}
        {listing && (
          <p className="kv-muted kv-x-count" role="status">
            {listing.runs.length < listing.matched
              ? `The first ${listing.runs.length} of ${listing.matched} runs`
              : `${listing.matched} run${listing.matched === 1 ? "" : "s"}`}
            {listing.filter ? ` meeting the filter, of ${listing.total}` : ""} in{" "}
            {listing.experiments.join(", ")}
            {info ? ` (${info.store})` : ""}
            {compareIds.length === 1 ? ". Tick another run to compare." : ""}
          </p>
        )}
        {runs.length > 0 && (
          <div className="kv-scroll kv-xruns">
            <RunsTable
              runs={runs}
              metrics={columns.metrics}
              params={columns.params}
              sort={state.sort}
              onSort={(key) => onChange({ sort: nextSort(state.sort, key) })}
              compared={ticked}
              onToggleCompare={toggle}
              open={state.run}
              onOpen={(id) => onChange({ run: state.run === id ? null : id })}
            />
          </div>
        )}
        {compared && "failed" in compared && <p className="kv-error">{compared.failed}</p>}
        {compared && !("failed" in compared) && (
          <CompareRuns
            compare={compared}
            onlyDiff={onlyDiff}
            onOnlyDiff={setOnlyDiff}
            onOpen={(id) => onChange({ run: id })}
            onRemove={(id) => onChange({ compare: compareIds.filter((c) => c !== id) })}
          />
        )}
        {runs.length > 0 && (listing?.metricKeys.length ?? 0) > 0 && (
          <MetricsOverRuns
            runs={runs}
            metricKeys={listing!.metricKeys}
            paramKeys={columns.params.map((c) => c.key)}
            metric={
              state.metric ??
              (state.sort?.key.startsWith("metrics.") ? parseIdentifier(state.sort.key).key : null)
            }
            onMetric={(metric) => onChange({ metric })}
            highlighted={ticked}
            onOpen={(id) => onChange({ run: id })}
          />
        )}
      </div>
      {details && "failed" in details && (
        <aside className="kv-run-details">
          <p className="kv-error">{details.failed}</p>
          <button type="button" onClick={() => onChange({ run: null })}>
            Close
          </button>
        </aside>
      )}
      {details && !("failed" in details) && (
        <RunDetails run={details} onClose={() => onChange({ run: null })} />
      )}
    </div>
  );
}
