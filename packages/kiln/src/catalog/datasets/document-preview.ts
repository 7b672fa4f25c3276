import type { DatasetPreview } from "../dataset.js";

/** Most characters of a text file a preview shows: enough to read, small enough for a web page. */
export const PREVIEW_TEXT_CHARS = 20_000;

/**
 * A JSON-like document's preview: an array keeps its first `rows` items (and says how many it
 * has), anything else is shown whole.
 */
export function documentPreview(value: unknown, rows = 10): DatasetPreview {
  if (Array.isArray(value)) return { kind: "json", data: value.slice(0, rows), rowCount: value.length };
  return { kind: "json", data: value };
}

/** A text file's preview: its first lines, at most {@link PREVIEW_TEXT_CHARS} characters. */
export function textPreview(text: string, rows = 10): DatasetPreview {
  const lines = text.split("\n");
  const shown = lines.slice(0, Math.max(rows, 1)).join("\n").slice(0, PREVIEW_TEXT_CHARS);
  return { kind: "text", data: shown, rowCount: text.endsWith("\n") ? lines.length - 1 : lines.length };
}
