// The `MLmodel` file as MLflow writes it: YAML with sorted keys, the signature's parts as JSON text
// in Python's json.dumps layout, and the creation time as `YYYY-MM-DD hh:mm:ss.ffffff` (UTC).
import { Document, isScalar } from "yaml";
import type { MLmodelFile, ModelSignature } from "../mlmodel-types.js";

/** JSON as Python's `json.dumps` writes it (`", "` and `": "` separators), as MLflow stores signatures. */
export function pythonJson(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value))
      return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    return JSON.stringify(value);
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  return `{${Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
    .join(", ")}}`;
}

/** `2026-01-02 03:04:05.123000`: MLflow's `utc_time_created`. */
export function mlflowTime(date: Date): string {
  return `${date.toISOString().replace("T", " ").slice(0, 23)}000`;
}

/** A signature as the MLmodel file keeps it: each part a JSON string (or null). */
export function signatureForFile(signature: ModelSignature): NonNullable<MLmodelFile["signature"]> {
  return {
    inputs: signature.inputs ? pythonJson(signature.inputs) : null,
    outputs: signature.outputs ? pythonJson(signature.outputs) : null,
    params: signature.params ? pythonJson(signature.params) : null,
  };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

/** The MLmodel file's text. */
export function formatMLmodel(file: MLmodelFile): string {
  const doc = new Document(sortKeys(file));
  // Quoted as MLflow writes it: unquoted, YAML 1.1 readers (PyYAML) would take it for a timestamp.
  const time = doc.get("utc_time_created", true);
  if (isScalar(time)) time.type = "QUOTE_SINGLE";
  return doc.toString({ lineWidth: 0 });
}
