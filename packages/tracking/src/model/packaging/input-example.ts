import type { SplitFrame } from "../mlmodel-types.js";
import type { FrameLike } from "./signature.js";

/** A cell as JSON carries it: dates as ISO text, big integers as numbers when exact (else text), bytes as base64. */
function jsonCell(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(jsonCell);
  return value;
}

/** The first `rows` rows of a table in MLflow's split orientation (`input_example.json`). */
export function splitFrame(frame: FrameLike, rows: number): SplitFrame {
  const head = frame.head(rows);
  return { columns: [...head.columns], data: head.rows().map((row) => row.map(jsonCell)) };
}
