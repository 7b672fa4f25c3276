import { DatasetError, getDefaultLogger } from "kiln";
import type { RunTracker } from "../run/run-tracker.js";
import type { MetricPoint } from "../store/types.js";

/**
 * The method tracking datasets take their run through. A registered symbol, so datasets built by
 * another copy of this package (a second install) are still found.
 */
export const BIND_RUN: unique symbol = Symbol.for("@kiln/tracking.bindRun") as never;

/** What a tracking dataset learns when a run starts: its name in the catalog and the run, if tracked. */
export interface RunBinding {
  datasetName: string;
  /** Undefined when this run is not tracked; `reason` says why. */
  tracker: RunTracker | undefined;
  reason?: string;
}

/** A dataset that logs to the tracked run. */
export interface RunBound {
  [BIND_RUN](binding: RunBinding): void;
}

/** True for datasets that want to know the run (tracking.* datasets). */
export function isRunBound(value: unknown): value is RunBound {
  return typeof (value as Partial<RunBound> | null)?.[BIND_RUN] === "function";
}

/** The part every tracking dataset shares: holding its binding, and failing clearly without one. */
export abstract class RunBoundDataset implements RunBound {
  #binding: RunBinding | undefined;

  [BIND_RUN](binding: RunBinding): void {
    this.#binding = binding;
  }

  /** The dataset's name in the catalog, once a run has started. */
  protected get datasetName(): string | undefined {
    return this.#binding?.datasetName;
  }

  /** True once a run has started with this dataset in its catalog (tracked or not). */
  protected get bound(): boolean {
    return this.#binding !== undefined;
  }

  /** The kind of dataset, for messages (`tracking.MetricDataset`). */
  protected abstract readonly kind: string;

  /**
   * The run to log to, or undefined when the run is not tracked (the operation is then skipped,
   * with a debug line saying why).
   * @throws DatasetError `KILN_TRACKING_NO_RUN` outside a `kiln run` (no run has bound the dataset).
   */
  protected tracker(operation: "save" | "load"): RunTracker | undefined {
    const binding = this.#binding;
    if (!binding) {
      throw new DatasetError(
        "KILN_TRACKING_NO_RUN",
        `A ${this.kind} is ${operation === "save" ? "saved to" : "loaded from"} a tracked run, and there is none: it is only bound to one while kiln run runs a pipeline.`,
        {
          hint: "Use it as a node's input or output in a pipeline run by `kiln run` (or KilnSession.run). To read a past run, use kiln tracking show RUN.",
        },
      );
    }
    if (!binding.tracker)
      getDefaultLogger().debug(
        `${this.kind} "${binding.datasetName}": not ${operation}d, ${binding.reason ?? "the run is not tracked"}.`,
      );
    return binding.tracker;
  }

  /**
   * Where metrics go: the tracked run, or, when this run is not tracked, this dataset's memory for
   * the run (so nodes that read the metrics still work).
   * @throws DatasetError `KILN_TRACKING_NO_RUN` outside a `kiln run`.
   */
  protected metricLog(operation: "save" | "load"): MetricLog {
    return this.tracker(operation) ?? this.#memory;
  }

  readonly #memory = new MemoryMetricLog();
}

/** What metric datasets write to and read from: a tracked run, or memory. */
export interface MetricLog {
  /** The tracked run's id; undefined for memory. */
  readonly runId?: string;
  logMetrics(points: readonly MetricPoint[]): Promise<void>;
  metricHistory(keys?: readonly string[]): Promise<MetricPoint[]>;
}

/** Metric points kept in memory, with the store's rules (a step logged again replaces it). */
class MemoryMetricLog implements MetricLog {
  readonly #points = new Map<string, MetricPoint>();

  async logMetrics(points: readonly MetricPoint[]): Promise<void> {
    for (const p of points) this.#points.set(`${p.key}\u0000${p.step}`, p);
  }

  async metricHistory(keys?: readonly string[]): Promise<MetricPoint[]> {
    return [...this.#points.values()]
      .filter((p) => !keys || keys.includes(p.key))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.step - b.step));
  }
}
