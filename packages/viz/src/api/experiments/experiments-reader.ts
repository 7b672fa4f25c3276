import { existsSync } from "node:fs";
import { closestMatches, didYouMean, type KilnContext, quoteList } from "kiln";
import { VizError } from "../../errors.js";
import type {
  CompareResponse,
  ExperimentsResponse,
  TrackedRun,
  TrackedRunDetails,
  TrackedRunsResponse,
} from "../experiment-types.js";
import { compareRuns } from "./compare-runs.js";
import { toMetricValue } from "./metric-value.js";
import {
  importTracking,
  type ParsedFilter,
  type ParsedOrderKey,
  type StoreLocation,
  type StoreReader,
  type StoreRunDetails,
  type StoreRunSummary,
  type TrackingModule,
} from "./tracking-module.js";

/** What `/api/experiments/runs` asks: MLflow's search, as `kiln tracking runs` takes it. */
export interface RunsQuery {
  /** Experiment names (default: the one `kiln run` records into). */
  experiments?: readonly string[];
  /** MLflow's filter syntax (`metrics.r2 > 0.5 and params.alpha = '0.1'`). */
  filter?: string;
  /** `metrics.r2 DESC, params.alpha`; ties by start time, newest first. */
  orderBy?: string;
  /** Default {@link DEFAULT_RUNS_LIMIT}. */
  limit?: number;
}

/** Runs answered when the query names no limit. */
export const DEFAULT_RUNS_LIMIT = 200;

/**
 * How long the runs read for a search are reused (ms). Reading every run of a large store is most of
 * a search's cost (5,000 runs: BENCHMARKS.md), and a user trying filters and sorts asks again and
 * again within seconds; a run that ends shows up this much later at most.
 */
export const SUMMARIES_TTL_MS = 3000;

/** What the reader needs from the open project. */
export interface ExperimentsReaderOptions {
  context: KilnContext;
  projectRoot: string;
  /** A path as the page shows it (project-relative when inside the project). */
  display: (path: string) => string;
}

interface ErrorLike {
  code: string;
  message: string;
  hint?: string | undefined;
}
const isCoded = (e: unknown): e is ErrorLike =>
  e instanceof Error && typeof (e as { code?: unknown }).code === "string";

/**
 * The project's tracking store, read for the Experiments view through @kiln/tracking's public API
 * (its settings, search and store). The store is opened on first use, never created: a project
 * whose runs were never tracked has no runs, not a new empty file.
 */
export class ExperimentsReader {
  readonly #tracking: TrackingModule;
  readonly #location: StoreLocation;
  readonly #secrets: string[];
  readonly #display: (path: string) => string;
  /** The experiment `kiln run` records into. */
  readonly defaultExperiment: string;
  #store: Promise<StoreReader> | undefined;
  readonly #summaries = new Map<string, { at: number; runs: Promise<StoreRunSummary[]> }>();

  private constructor(
    tracking: TrackingModule,
    settings: Awaited<ReturnType<TrackingModule["loadTrackingSettings"]>>,
    display: (path: string) => string,
  ) {
    this.#tracking = tracking;
    this.#location = settings.store;
    this.#secrets = settings.secrets.filter((s) => s.length >= 3);
    this.#display = display;
    this.defaultExperiment = settings.experimentName;
  }

  /**
   * Reads the project's tracking.yml and credentials (for the store's location); resolves to null
   * when the project cannot import @kiln/tracking.
   * @throws VizError with tracking's code when tracking.yml is wrong.
   */
  static async open(options: ExperimentsReaderOptions): Promise<ExperimentsReader | null> {
    const tracking = await importTracking(options.projectRoot);
    if (!tracking) return null;
    try {
      const settings = await tracking.loadTrackingSettings(options.context);
      return new ExperimentsReader(tracking, settings, options.display);
    } catch (error) {
      throw rewrap(error, []);
    }
  }

  /** The store as messages show it: a PostgreSQL password is `***`. */
  get store(): string {
    return this.#location.display;
  }

  async close(): Promise<void> {
    const store = this.#store;
    this.#store = undefined;
    await (await store?.catch(() => undefined))?.close();
  }

  /** `/api/experiments`. */
  async experiments(): Promise<ExperimentsResponse> {
    const store = await this.#open();
    const experiments = store ? await this.#read(() => store.listExperiments()) : [];
    return {
      store: this.store,
      storeExists: store !== undefined,
      defaultExperiment: this.defaultExperiment,
      experiments: experiments.map((e) => ({ id: e.experimentId, name: e.name, createdAt: e.createdAt })),
    };
  }

  /**
   * `/api/experiments/runs`: the runs of the experiments that meet the filter, in order.
   * @throws VizError `KILN_TRACKING_BAD_FILTER` / `KILN_TRACKING_BAD_ORDER_BY` (with the position),
   * `KILN_VIZ_EXPERIMENT_NOT_FOUND` for an experiment named but not in the store.
   */
  async runs(query: RunsQuery = {}): Promise<TrackedRunsResponse> {
    const filterText = query.filter?.trim() ?? "";
    const orderText = query.orderBy?.trim() ?? "";
    const filter = filterText
      ? this.#parse("filter", () => this.#tracking.parseFilter(filterText))
      : undefined;
    const orderBy = orderText ? this.#parse("order_by", () => this.#tracking.parseOrderBy(orderText)) : [];
    const limit = query.limit ?? DEFAULT_RUNS_LIMIT;
    const names = query.experiments?.length ? [...new Set(query.experiments)] : [this.defaultExperiment];
    const answer = (all: StoreRunSummary[], matched: StoreRunSummary[]): TrackedRunsResponse => {
      const runs = matched.slice(0, limit).map(trackedRun);
      return {
        experiments: names,
        filter: filterText,
        orderBy: orderText,
        limit,
        total: all.length,
        matched: matched.length,
        runs,
        metricKeys: [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort(),
        paramKeys: [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort(),
      };
    };
    const store = await this.#open();
    if (!store) return answer([], []);
    const known = new Map((await this.#read(() => store.listExperiments())).map((e) => [e.name, e]));
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length > 0 && query.experiments?.length) {
      const near = unknown.flatMap((u) => closestMatches(u, known.keys()).slice(0, 1));
      throw new VizError(
        "KILN_VIZ_EXPERIMENT_NOT_FOUND",
        `The tracking store ${this.store} has no experiment ${quoteList(unknown)}.`,
        {
          hint: `${near.length > 0 ? `Did you mean ${quoteList(near)}? ` : ""}Experiments: ${known.size > 0 ? quoteList([...known.keys()]) : "none yet"}.`,
        },
      );
    }
    const ids = names.flatMap((n) => (known.has(n) ? [known.get(n)!.experimentId] : []));
    if (ids.length === 0) return answer([], []);
    const all = await this.#summariesOf(store, ids);
    const matched = this.#tracking.searchRuns(all, {
      ...(filter ? { filter } : {}),
      orderBy,
    });
    return answer(all, matched);
  }

  /**
   * `/api/experiments/runs/:id`: a run by id, or by the unique start of one.
   * @throws VizError `KILN_VIZ_RUN_NOT_FOUND` (with close ids), `KILN_VIZ_AMBIGUOUS_RUN`.
   */
  async run(ref: string): Promise<TrackedRunDetails> {
    const run = await this.#find(ref);
    return {
      ...trackedRun(run),
      artifactUri: this.#display(run.artifactUri),
      metricHistory: Object.fromEntries(
        Object.entries(run.metricHistory).map(([key, points]) => [
          key,
          points.map((p) => ({ step: p.step, value: toMetricValue(p.value), timestamp: p.timestamp })),
        ]),
      ),
      nodes: run.nodes.map((n) => ({ ...n })),
      lineage: run.lineage.map((l) => ({
        ...l,
        location: l.location === null ? null : this.#display(l.location),
      })),
      artifacts: run.artifacts.map((a) => ({ ...a })),
      logLines: run.logs.length,
    };
  }

  /** `/api/experiments/compare`: the params and metrics of `refs` side by side. */
  async compare(refs: readonly string[]): Promise<CompareResponse> {
    const runs: TrackedRun[] = [];
    for (const ref of refs) runs.push(trackedRun(await this.#find(ref)));
    return compareRuns(runs);
  }

  async #find(ref: string): Promise<StoreRunDetails> {
    const store = await this.#open();
    const exact = store && (await this.#read(() => store.getRun(ref)));
    if (exact) return exact;
    const candidates = store ? await this.#read(() => store.findRunIds(ref, 11)) : [];
    if (candidates.length === 1) {
      const found = await this.#read(() => store!.getRun(candidates[0]!));
      if (found) return found;
    }
    if (candidates.length > 1) {
      throw new VizError(
        "KILN_VIZ_AMBIGUOUS_RUN",
        `"${ref}" starts ${candidates.length > 10 ? "more than 10" : candidates.length} run ids: ${candidates.slice(0, 10).join(", ")}.`,
        { hint: "Give more of the id (/api/experiments/runs lists them)." },
      );
    }
    const ids = store ? await this.#read(() => store.findRunIds("", 500)) : [];
    throw new VizError("KILN_VIZ_RUN_NOT_FOUND", `The tracking store ${this.store} has no run "${ref}".`, {
      hint: didYouMean(ref, ids) ?? "/api/experiments/runs lists the runs.",
    });
  }

  /** The runs of these experiments, read again when older than {@link SUMMARIES_TTL_MS}. */
  #summariesOf(store: StoreReader, ids: string[]): Promise<StoreRunSummary[]> {
    const key = [...ids].sort().join("\u0000");
    const now = Date.now();
    const cached = this.#summaries.get(key);
    if (cached && now - cached.at < SUMMARIES_TTL_MS) return cached.runs;
    const runs = this.#read(() => store.runSummaries(ids));
    runs.catch(() => this.#summaries.delete(key));
    this.#summaries.set(key, { at: now, runs });
    return runs;
  }

  /** The store, opened once; undefined while a SQLite store's file does not exist (no run tracked yet). */
  async #open(): Promise<StoreReader | undefined> {
    if (this.#store) return this.#store;
    if (this.#location.kind === "sqlite" && !existsSync(this.#location.path)) return undefined;
    const opening = this.#tracking.openStore(this.#location).catch((error: unknown) => {
      this.#store = undefined; // try again on the next request (a database that was down)
      throw rewrap(error, this.#secrets);
    });
    this.#store = opening;
    return opening;
  }

  async #read<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw rewrap(error, this.#secrets);
    }
  }

  /** A filter or order-by parsed; its error names the query parameter, not the CLI option. */
  #parse<T extends ParsedFilter | ParsedOrderKey[]>(param: string, parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      if (!isCoded(error)) throw error;
      throw new VizError(error.code, error.message.replace(/^--(filter|order-by): /, `${param}: `), {
        ...(error.hint ? { hint: error.hint } : {}),
        cause: error,
      });
    }
  }
}

/** A store's error as the viz reports it: tracking's code kept, any secret masked. */
function rewrap(error: unknown, secrets: readonly string[]): VizError {
  const mask = (text: string) => secrets.reduce((t, s) => t.split(s).join("***"), text);
  if (error instanceof VizError) return error;
  if (isCoded(error) && error.code.startsWith("KILN_")) {
    return new VizError(error.code, mask(error.message), {
      ...(error.hint ? { hint: mask(error.hint) } : {}),
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new VizError("KILN_VIZ_TRACKING_FAILED", `Reading the tracking store failed: ${mask(message)}`, {
    hint: "Check the store in conf/<env>/tracking.yml; kiln tracking runs reads the same store.",
    cause: error,
  });
}

/** A store's run as the API answers it. */
function trackedRun(run: StoreRunSummary): TrackedRun {
  return {
    runId: run.runId,
    runName: run.runName,
    experiment: run.experimentName,
    status: run.status,
    startTime: run.startTime,
    endTime: run.endTime,
    durationMs: run.endTime === null ? null : run.endTime - run.startTime,
    userId: run.userId,
    error:
      run.errorMessage === null && run.errorCode === null
        ? null
        : { code: run.errorCode, message: run.errorMessage ?? "" },
    params: { ...run.params },
    metrics: Object.fromEntries(Object.entries(run.metrics).map(([k, v]) => [k, toMetricValue(v)])),
    tags: { ...run.tags },
  };
}
