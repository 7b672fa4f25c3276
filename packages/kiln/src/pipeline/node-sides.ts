import { PipelineError } from "../errors/index.js";
import { isPlainDatasetName, validateDatasetName } from "./names.js";

/** How a node names its inputs: one dataset, a list (positional arguments) or a record (one object argument). */
export type NodeInputs = string | readonly string[] | Readonly<Record<string, string>> | null | undefined;
/** How a node names its outputs: one dataset, a list (the function returns an array) or a record (an object). */
export type NodeOutputs = string | readonly string[] | Readonly<Record<string, string>> | null | undefined;

/** The shape of a node's inputs or outputs, kept so that renamed copies call the function the same way. */
export type Shape =
  | { kind: "none" }
  | { kind: "single"; name: string }
  | { kind: "list"; names: readonly string[] }
  | { kind: "record"; keys: readonly string[]; names: readonly string[] };

/** How one side (inputs or outputs) was declared, as a small integer a node can pack into one field. */
export type Kind = 0 | 1 | 2 | 3;
export const NONE = 0;
export const SINGLE = 1;
export const LIST = 2;
export const RECORD = 3;

/** One side as declared: its kind, the dataset names in declaration order, and a record's keys. */
export interface Side {
  kind: Kind;
  names: readonly string[];
  keys: readonly string[] | undefined;
}

const NO_NAMES: readonly string[] = Object.freeze([]);
const NO_SIDE: Side = Object.freeze({ kind: NONE, names: NO_NAMES, keys: undefined });

/** A value as error messages describe it: `null`, `an array of 3 values`, `a number`. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length} value${value.length === 1 ? "" : "s"}`;
  if (typeof value === "object") return `an object with keys ${JSON.stringify(Object.keys(value as object))}`;
  return typeof value === "undefined" ? "undefined" : `a ${typeof value}`;
}

/** Where a node's errors say they come from: `Node "split"`. Built only when there is an error. */
export function whereOf(label: string): string {
  return `Node "${label}"`;
}

function checkDatasetName(name: unknown, label: string): void {
  // The plain-name test is the fast path; the full check (and its message) runs only for other names.
  if (typeof name !== "string" || !isPlainDatasetName(name)) validateDatasetName(name, whereOf(label));
}

/**
 * Parses and validates one side of a node; `label` names the node in errors.
 * @throws PipelineError on an invalid dataset name or a spec that is not a name, a list or a record.
 */
export function parseSide(spec: NodeInputs | NodeOutputs, label: string, what: "inputs" | "outputs"): Side {
  if (typeof spec === "string") {
    checkDatasetName(spec, label);
    return { kind: SINGLE, names: [spec], keys: undefined };
  }
  if (spec === null || spec === undefined) return NO_SIDE;
  if (Array.isArray(spec)) {
    for (let i = 0; i < spec.length; i++) checkDatasetName(spec[i], label);
    // A copy: the caller may change its array later.
    return spec.length === 0 ? NO_SIDE : { kind: LIST, names: spec.slice(), keys: undefined };
  }
  // A Set or a Map is not a record: it has no own keys and would silently mean "no inputs".
  if (typeof spec === "object" && !(Symbol.iterator in spec)) {
    const keys = Object.keys(spec);
    const names = keys.map((k) => (spec as Record<string, string>)[k]!);
    for (const name of names) checkDatasetName(name, label);
    return keys.length === 0 ? NO_SIDE : { kind: RECORD, names, keys };
  }
  throw new PipelineError(
    what === "inputs" ? "KILN_NODE_INVALID_INPUTS" : "KILN_NODE_INVALID_OUTPUTS",
    `${whereOf(label)}: ${what} must be a dataset name, a list of names or a record of names, got ${describeValue(spec)}.`,
    { hint: `e.g. ${what}: "companies", ${what}: ["x", "y"] or ${what}: { x: "x_train" }.` },
  );
}

/** A side as a {@link Shape}. */
export function shapeOf(kind: Kind, names: readonly string[], keys: readonly string[] | undefined): Shape {
  switch (kind) {
    case NONE:
      return { kind: "none" };
    case SINGLE:
      return { kind: "single", name: names[0]! };
    case LIST:
      return { kind: "list", names };
    case RECORD:
      return { kind: "record", keys: keys!, names };
  }
}

/** A side as a user would declare it: `null`, `"a"`, `["a", "b"]` or `{ x: "a" }`. */
export function specOf(
  kind: Kind,
  names: readonly string[],
  keys: readonly string[] | undefined,
): NodeInputs {
  switch (kind) {
    case NONE:
      return null;
    case SINGLE:
      return names[0]!;
    case LIST:
      return names;
    case RECORD:
      return Object.fromEntries(keys!.map((k, i) => [k, names[i]!]));
  }
}

/** `names` without repeats, first occurrence kept; the list itself when it has none (the common case). */
export function unique(names: readonly string[]): readonly string[] {
  if (names.length < 2) return names;
  if (names.length > 16) return new Set(names).size === names.length ? names : [...new Set(names)];
  for (let i = 1; i < names.length; i++) {
    for (let j = 0; j < i; j++) if (names[j] === names[i]) return [...new Set(names)];
  }
  return names;
}
