import { NodeError, PipelineError } from "../errors/index.js";
import { shortHash } from "./hash.js";
import {
  stripTranscoding,
  validateDatasetName,
  validateNamespace,
  validateNodeName,
  validateTag,
} from "./names.js";

/** How a node names its inputs: one dataset, a list (positional arguments) or a record (one object argument). */
export type NodeInputs = string | readonly string[] | Readonly<Record<string, string>> | null | undefined;
/** How a node names its outputs: one dataset, a list (the function returns an array) or a record (an object). */
export type NodeOutputs = string | readonly string[] | Readonly<Record<string, string>> | null | undefined;

/** Options of {@link node}. */
export interface NodeOptions<F extends (...args: any[]) => unknown = (...args: any[]) => unknown> {
  /** The function to run; it may be async. */
  func: F;
  /** Dataset names the function reads; `params:a.b` and `parameters` are inputs like any other. */
  inputs?: NodeInputs;
  /** Dataset names the function's result is saved to. */
  outputs?: NodeOutputs;
  /** Defaults to `<function name>__<8 hex digits>`, a stable hash of the inputs and outputs. */
  name?: string;
  tags?: string | Iterable<string>;
  /** Dot-separated; the node's full name becomes `namespace.name`. */
  namespace?: string;
}

/** The shape of a node's inputs or outputs, kept so that renamed copies call the function the same way. */
export type Shape =
  | { kind: "none" }
  | { kind: "single"; name: string }
  | { kind: "list"; names: readonly string[] }
  | { kind: "record"; keys: readonly string[]; names: readonly string[] };

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length} value${value.length === 1 ? "" : "s"}`;
  if (typeof value === "object") return `an object with keys ${JSON.stringify(Object.keys(value as object))}`;
  return typeof value === "undefined" ? "undefined" : `a ${typeof value}`;
}

function toShape(spec: NodeInputs | NodeOutputs, where: string, what: "inputs" | "outputs"): Shape {
  if (spec === null || spec === undefined) return { kind: "none" };
  if (typeof spec === "string") {
    validateDatasetName(spec, where);
    return { kind: "single", name: spec };
  }
  if (Array.isArray(spec)) {
    for (const name of spec) validateDatasetName(name, where);
    return spec.length === 0 ? { kind: "none" } : { kind: "list", names: [...spec] };
  }
  // A Set or a Map is not a record: it has no own keys and would silently mean "no inputs".
  if (typeof spec === "object" && !(Symbol.iterator in spec)) {
    const keys = Object.keys(spec);
    const names = keys.map((k) => (spec as Record<string, string>)[k]!);
    for (const name of names) validateDatasetName(name, where);
    return keys.length === 0 ? { kind: "none" } : { kind: "record", keys, names };
  }
  throw new PipelineError(
    what === "inputs" ? "KILN_NODE_INVALID_INPUTS" : "KILN_NODE_INVALID_OUTPUTS",
    `${where}: ${what} must be a dataset name, a list of names or a record of names, got ${describeValue(spec)}.`,
    { hint: `e.g. ${what}: "companies", ${what}: ["x", "y"] or ${what}: { x: "x_train" }.` },
  );
}

function shapeNames(shape: Shape): readonly string[] {
  switch (shape.kind) {
    case "none":
      return [];
    case "single":
      return [shape.name];
    default:
      return shape.names;
  }
}

function renameShape(shape: Shape, rename: (name: string) => string): Shape {
  switch (shape.kind) {
    case "none":
      return shape;
    case "single":
      return { kind: "single", name: rename(shape.name) };
    case "list":
      return { kind: "list", names: shape.names.map(rename) };
    case "record":
      return { kind: "record", keys: shape.keys, names: shape.names.map(rename) };
  }
}

function shapeToSpec(shape: Shape): NodeInputs {
  switch (shape.kind) {
    case "none":
      return null;
    case "single":
      return shape.name;
    case "list":
      return shape.names;
    case "record":
      return Object.fromEntries(shape.keys.map((k, i) => [k, shape.names[i]!]));
  }
}

/** `names` without repeats, first occurrence kept; the list itself when it has none (the common case). */
function unique(names: readonly string[]): readonly string[] {
  if (names.length < 2) return names;
  if (names.length > 16) return new Set(names).size === names.length ? names : [...new Set(names)];
  for (let i = 1; i < names.length; i++) {
    for (let j = 0; j < i; j++) if (names[j] === names[i]) return [...new Set(names)];
  }
  return names;
}

/** Shared by every node without tags (most of them); `Node.tags` is read-only, so sharing is safe. */
const NO_TAGS: ReadonlySet<string> = new Set<string>();

/** `<function name>__<8 hex digits>`, hashing the function name and the input and output names. */
function defaultName(func: (...args: any[]) => unknown, inputShape: Shape, outputShape: Shape): string {
  const fn = /^[A-Za-z0-9_][A-Za-z0-9_\-.]*$/.test(func.name) ? func.name : "node";
  const key = `${fn}(${shapeNames(inputShape).join(",")})->(${shapeNames(outputShape).join(",")})`;
  return `${fn}__${shortHash(key)}`;
}

interface NodeParts {
  func: (...args: any[]) => unknown;
  baseName: string;
  /** True when `baseName` was derived from the datasets (no `name` given): renamed copies derive it again. */
  defaultName: boolean;
  namespace: string | undefined;
  tags: ReadonlySet<string>;
  inputShape: Shape;
  outputShape: Shape;
}

/**
 * A step of a pipeline: a function with named inputs and outputs. Immutable; make one with {@link node}.
 */
export class Node {
  readonly func: (...args: any[]) => unknown;
  /** Full name, `namespace.name` when the node has a namespace. Unique within a pipeline. */
  readonly name: string;
  /** The name without the namespace. */
  readonly shortName: string;
  readonly namespace: string | undefined;
  readonly tags: ReadonlySet<string>;
  /** Distinct input dataset names, in declaration order. */
  readonly inputs: readonly string[];
  /** Output dataset names, in declaration order. */
  readonly outputs: readonly string[];
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  readonly #defaultName: boolean;

  /** @internal Use {@link node}. */
  constructor(parts: NodeParts) {
    this.func = parts.func;
    this.#defaultName = parts.defaultName;
    this.shortName = parts.baseName;
    this.namespace = parts.namespace;
    this.name = parts.namespace ? `${parts.namespace}.${parts.baseName}` : parts.baseName;
    this.tags = parts.tags;
    this.inputShape = parts.inputShape;
    this.outputShape = parts.outputShape;
    this.inputs = unique(shapeNames(parts.inputShape));
    this.outputs = shapeNames(parts.outputShape);
    // Most nodes have one output: compare against it directly instead of building a set.
    const only = this.outputs.length === 1 ? stripTranscoding(this.outputs[0]!) : undefined;
    let seen: Set<string> | undefined;
    if (this.outputs.length > 1) {
      seen = new Set<string>();
      for (const out of this.outputs) {
        const base = stripTranscoding(out);
        if (seen.has(base)) {
          throw new PipelineError(
            "KILN_NODE_DUPLICATE_OUTPUT",
            `Node "${this.name}" names output "${base}" more than once.`,
            {
              hint: "Give each output its own dataset name.",
            },
          );
        }
        seen.add(base);
      }
    }
    for (const input of this.inputs) {
      const base = stripTranscoding(input);
      if (base === only || seen?.has(base)) {
        throw new PipelineError(
          "KILN_NODE_SELF_LOOP",
          `Node "${this.name}" reads and writes the same dataset "${input}" (transcoded names count as the same dataset).`,
          { hint: 'Write the result to a new dataset name, e.g. "' + stripTranscoding(input) + '_updated".' },
        );
      }
    }
  }

  /** The function's name, or `"<anonymous>"`. */
  get funcName(): string {
    return this.func.name || "<anonymous>";
  }

  /**
   * Calls the function with `inputs` (dataset name → value) and returns its result keyed by output name.
   * @throws NodeError `KILN_NODE_OUTPUT_SHAPE` when the result does not match the declared outputs.
   */
  async run(inputs: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const shape = this.inputShape;
    let result: unknown;
    switch (shape.kind) {
      case "none":
        result = this.func();
        break;
      case "single":
        result = this.func(inputs[shape.name]);
        break;
      case "list":
        result = this.func(...shape.names.map((n) => inputs[n]));
        break;
      case "record": {
        const arg: Record<string, unknown> = {};
        for (let i = 0; i < shape.keys.length; i++) arg[shape.keys[i]!] = inputs[shape.names[i]!];
        result = this.func(arg);
        break;
      }
    }
    if (result !== null && typeof (result as PromiseLike<unknown>)?.then === "function")
      result = await result;
    return this.outputsFromResult(result);
  }

  /** Maps a function's return value onto output names, checking its shape. */
  outputsFromResult(result: unknown): Record<string, unknown> {
    const shape = this.outputShape;
    switch (shape.kind) {
      case "none":
        return {};
      case "single":
        return { [shape.name]: result };
      case "list": {
        if (!Array.isArray(result) || result.length !== shape.names.length) {
          throw this.shapeError(
            `an array of ${shape.names.length} values for outputs ${JSON.stringify(shape.names)}`,
            describeValue(result),
          );
        }
        const out: Record<string, unknown> = {};
        for (let i = 0; i < shape.names.length; i++) out[shape.names[i]!] = result[i];
        return out;
      }
      case "record": {
        if (result === null || typeof result !== "object" || Array.isArray(result)) {
          throw this.shapeError(`an object with keys ${JSON.stringify(shape.keys)}`, describeValue(result));
        }
        const record = result as Record<string, unknown>;
        const missing = shape.keys.filter((k) => !Object.hasOwn(record, k));
        const extra = Object.keys(record).filter((k) => !shape.keys.includes(k));
        if (missing.length > 0 || extra.length > 0) {
          const parts = [];
          if (missing.length)
            parts.push(`missing key${missing.length > 1 ? "s" : ""} ${JSON.stringify(missing)}`);
          if (extra.length)
            parts.push(`unexpected key${extra.length > 1 ? "s" : ""} ${JSON.stringify(extra)}`);
          throw this.shapeError(
            `an object with keys ${JSON.stringify(shape.keys)}`,
            `an object with ${parts.join(" and ")}`,
          );
        }
        const out: Record<string, unknown> = {};
        for (let i = 0; i < shape.keys.length; i++) out[shape.names[i]!] = record[shape.keys[i]!];
        return out;
      }
    }
  }

  private shapeError(expected: string, received: string): NodeError {
    return new NodeError(
      "KILN_NODE_OUTPUT_SHAPE",
      `Node "${this.name}" (function ${this.funcName}) must return ${expected}, but returned ${received}.`,
      { hint: "Make the function's return value match the node's `outputs`, or change `outputs`." },
    );
  }

  /**
   * A copy with datasets renamed, a namespace prefixed and tags added (used by modular pipelines).
   * @internal
   */
  withChanges(changes: {
    rename?: (dataset: string) => string;
    namespace?: string;
    tags?: Iterable<string>;
  }): Node {
    const rename = changes.rename;
    const namespace = changes.namespace
      ? this.namespace
        ? `${changes.namespace}.${this.namespace}`
        : changes.namespace
      : this.namespace;
    const inputShape = rename ? renameShape(this.inputShape, rename) : this.inputShape;
    const outputShape = rename ? renameShape(this.outputShape, rename) : this.outputShape;
    return new Node({
      func: this.func,
      // A default name hashes the datasets, so a copy reading or writing other datasets gets its own.
      baseName:
        this.#defaultName && rename ? defaultName(this.func, inputShape, outputShape) : this.shortName,
      defaultName: this.#defaultName,
      namespace,
      tags: changes.tags ? new Set([...this.tags, ...changes.tags]) : this.tags,
      inputShape,
      outputShape,
    });
  }

  /** True when both run the same function on the same datasets under the same name. */
  equals(other: Node): boolean {
    return (
      this === other ||
      (this.name === other.name &&
        this.func === other.func &&
        this.inputs.join("\0") === other.inputs.join("\0") &&
        this.outputs.join("\0") === other.outputs.join("\0"))
    );
  }

  /** The node as declared: `{ name, namespace, tags, inputs, outputs, func }`, for printing and the viz. */
  toJSON(): {
    name: string;
    namespace: string | null;
    tags: string[];
    inputs: NodeInputs;
    outputs: NodeOutputs;
    func: string;
  } {
    return {
      name: this.name,
      namespace: this.namespace ?? null,
      tags: [...this.tags].sort(),
      inputs: shapeToSpec(this.inputShape),
      outputs: shapeToSpec(this.outputShape),
      func: this.funcName,
    };
  }

  toString(): string {
    return `${this.name}: ${this.funcName}(${this.inputs.join(", ")}) -> [${this.outputs.join(", ")}]`;
  }
}

/**
 * Declares a pipeline step.
 *
 * @example
 * node({ func: splitData, inputs: ["model_input_table", "params:model_options"],
 *        outputs: ["X_train", "X_test", "y_train", "y_test"], name: "split_data" })
 * @throws PipelineError on an invalid name, tag, namespace, dataset name or inputs/outputs shape.
 */
export function node<F extends (...args: any[]) => unknown>(options: NodeOptions<F>): Node {
  if (options === null || typeof options !== "object") {
    throw new PipelineError(
      "KILN_NODE_INVALID_FUNC",
      "node() takes one options object { func, inputs, outputs, ... }.",
    );
  }
  const { func, inputs, outputs, name, namespace } = options;
  const label = name ?? (func?.name || "<anonymous>"); // an anonymous function's name is ""
  const where = `Node "${label}"`;
  if (typeof func !== "function") {
    throw new PipelineError(
      "KILN_NODE_INVALID_FUNC",
      `${where}: func must be a function, got ${describeValue(func)}.`,
      {
        hint: "Pass the function itself: node({ func: myFunction, inputs, outputs }).",
      },
    );
  }
  const inputShape = toShape(inputs, where, "inputs");
  const outputShape = toShape(outputs, where, "outputs");
  if (name !== undefined) validateNodeName(name, where);
  const baseName = name ?? defaultName(func, inputShape, outputShape);
  if (namespace !== undefined) validateNamespace(namespace, where);
  const tagList =
    options.tags === undefined ? [] : typeof options.tags === "string" ? [options.tags] : [...options.tags];
  for (const tag of tagList) validateTag(tag, where);
  return new Node({
    func,
    baseName,
    defaultName: name === undefined,
    namespace,
    tags: tagList.length === 0 ? NO_TAGS : new Set(tagList),
    inputShape,
    outputShape,
  });
}
