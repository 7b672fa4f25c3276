/** A time as the CLI shows it: `2026-01-02 03:04:05` (UTC). */
export function formatTime(ms: number | null): string {
  if (ms === null) return "-";
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

/** A duration in milliseconds as `850 ms`, `12.3 s` or `4 min 05 s`. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "-";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, "0")} s`;
}

/** A metric value: up to 6 significant digits, `NaN`, `Infinity`. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined) return "-";
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** A byte count as `512 B`, `3.4 KiB`, `1.2 MiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** Text cut to `max` characters with an ellipsis, on one line. */
export function clip(text: string, max = 60): string {
  const line = text.replace(/\s*\n\s*/g, " ");
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** Rows as aligned columns under a header and a rule; no trailing spaces. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
