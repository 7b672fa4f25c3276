import { DatasetError } from "../errors/index.js";
import { type CopyMode, copyWithMode, inferCopyMode } from "./copy-mode.js";
import type { Dataset } from "./dataset.js";

/** Options of {@link MemoryDataset}. */
export interface MemoryDatasetOptions {
  /** Defaults to a mode picked from the data's type when it is saved (see {@link inferCopyMode}). */
  copyMode?: CopyMode;
  /** Free-form, as in the catalog (`metadata.kiln.layer` names the data layer); kept in {@link MemoryDataset.describe}. */
  metadata?: Record<string, unknown>;
}

const EMPTY: unique symbol = Symbol("empty");

/**
 * Holds data in memory for the length of a run. Loads and saves copy the data per `copyMode` so that
 * a node that mutates its input cannot change what another node sees.
 */
export class MemoryDataset<T = unknown> implements Dataset<T, T> {
  readonly ephemeral = true;
  readonly copyMode: CopyMode | undefined;
  readonly metadata: Record<string, unknown> | undefined;
  #data: T | typeof EMPTY = EMPTY;

  constructor(data?: T, options: MemoryDatasetOptions = {}) {
    this.copyMode = options.copyMode;
    this.metadata = options.metadata;
    if (data !== undefined) this.#data = copyWithMode(data, this.#modeFor(data)) as T;
  }

  /** False when copy mode `assign` is set explicitly: the value's identity matters, so it must stay on its thread. */
  get crossesThreads(): boolean {
    return this.copyMode !== "assign";
  }

  #modeFor(data: unknown): CopyMode {
    return this.copyMode ?? inferCopyMode(data);
  }

  load(): T {
    const data = this.#data;
    if (data === EMPTY) {
      throw new DatasetError(
        "KILN_DATASET_NOT_SAVED",
        "The memory dataset has no data: nothing was saved to it yet.",
        {
          hint: "Check that the node producing it ran, or give the data to the catalog before the run.",
        },
      );
    }
    return copyWithMode(data, this.#modeFor(data)) as T;
  }

  save(data: T): void {
    this.#data = copyWithMode(data, this.#modeFor(data)) as T;
  }

  exists(): boolean {
    return this.#data !== EMPTY;
  }

  release(): void {
    this.#data = EMPTY;
  }

  describe(): Record<string, unknown> {
    const data = this.#data;
    const dataType =
      data === EMPTY
        ? null
        : data === null
          ? "null"
          : typeof data === "object"
            ? (data.constructor?.name ?? "Object")
            : typeof data;
    return {
      type: "MemoryDataset",
      dataType,
      copyMode: this.copyMode ?? (data === EMPTY ? null : inferCopyMode(data)),
      ...(this.metadata ? { metadata: this.metadata } : {}),
    };
  }
}
