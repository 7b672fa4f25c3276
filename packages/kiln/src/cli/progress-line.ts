import type { RunProgress } from "../runner/index.js";

/** Moves to the start of the line and erases it. */
export const CLEAR_LINE = "\r\x1b[2K";

/** Where the line is drawn: a terminal stream (`process.stderr`), or a stand-in in tests. */
export interface ProgressOutput {
  write(text: string): unknown;
  /** The terminal's width; the line is cut to fit so it never wraps (a wrapped line cannot be erased). */
  columns?: number | undefined;
}

/**
 * The live line at the bottom of a terminal while a pipeline runs:
 * `[1/3 nodes] 2.4 s · running: fit_line, evaluate`. It appears when the run starts, ticks every
 * `intervalMs`, and is erased before each log line (the sink calls {@link clear} then {@link draw})
 * and by {@link stop}.
 */
export class ProgressLine {
  #total = 0;
  #done = 0;
  #started: number | undefined;
  readonly #running = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #shown = false;

  constructor(
    private readonly out: ProgressOutput,
    private readonly intervalMs = 200,
  ) {}

  /** Feeds one progress event of the run (a `RunOptions.onProgress` listener). */
  readonly update = (progress: RunProgress): void => {
    switch (progress.event) {
      case "pipeline_started":
        this.#total = progress.total;
        this.#done = 0;
        this.#running.clear();
        this.#started = performance.now();
        if (!this.#timer) {
          this.#timer = setInterval(() => this.draw(), this.intervalMs);
          this.#timer.unref(); // never keeps the process alive
        }
        break;
      case "node_started":
        this.#running.add(progress.node);
        break;
      case "node_completed":
        this.#running.delete(progress.node);
        this.#done = progress.completed;
        break;
      case "node_failed":
        this.#running.delete(progress.node);
        break;
    }
    this.draw();
  };

  /** The line's text now, or undefined when no run is in progress. */
  text(): string | undefined {
    if (this.#started === undefined) return undefined;
    const elapsed = ((performance.now() - this.#started) / 1000).toFixed(1);
    const running = this.#running.size > 0 ? ` · running: ${[...this.#running].join(", ")}` : "";
    const text = `[${this.#done}/${this.#total} nodes] ${elapsed} s${running}`;
    const width = Math.max(20, (this.out.columns || 80) - 1); // 0 when the size is unknown
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  }

  /** Draws (or redraws) the line in place while a run is in progress. */
  draw(): void {
    const text = this.text();
    if (text === undefined) return;
    this.out.write(`${CLEAR_LINE}${text}`);
    this.#shown = true;
  }

  /** Erases the line if it is on screen (before a log line is written). */
  clear(): void {
    if (!this.#shown) return;
    this.out.write(CLEAR_LINE);
    this.#shown = false;
  }

  /** Ends the run's line: stops ticking and erases it. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#started = undefined;
    this.#running.clear();
    this.clear();
  }
}
