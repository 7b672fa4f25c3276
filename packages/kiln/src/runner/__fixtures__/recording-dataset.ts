import type { Dataset } from "../../catalog/index.js";

/** A "persisted" in-memory dataset (ephemeral false) that records every call, for runner tests. */
export class RecordingDataset<T = unknown> implements Dataset<T, T> {
  readonly ephemeral = false;
  readonly calls: string[] = [];
  #data: { value: T } | undefined;

  constructor(initial?: T) {
    if (initial !== undefined) this.#data = { value: initial };
  }

  load(): T {
    this.calls.push("load");
    if (!this.#data) throw new Error("nothing saved");
    return this.#data.value;
  }

  save(data: T): void {
    this.calls.push("save");
    this.#data = { value: data };
  }

  exists(): boolean {
    return this.#data !== undefined;
  }

  release(): void {
    this.calls.push("release");
  }

  describe(): Record<string, unknown> {
    return { type: "RecordingDataset" };
  }
}
