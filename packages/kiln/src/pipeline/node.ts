import { NodeError, PipelineError } from "../errors/index.js";
import { shortHash } from "./hash.js";
import {
  stripTranscoding,
  validateDatasetName,
  validateNamespace,
  validateNodeName,
  validateTag,
} from "./names.js";
import {
  describeValue,
  type Kind,
  LIST,
  NONE,
  type NodeInputs,
  type NodeOutputs,
  parseSide,
  RECORD,
  type Shape,
  SINGLE,
  type Side,
  shapeOf,
  specOf,
  unique,
  whereOf,
} from "./node-sides.js";

export type { NodeInputs, NodeOutputs, Shape } from "./node-sides.js";

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
  /**
   * Datasets to confirm once the node has run and its outputs are saved (an incremental dataset then
   * moves its checkpoint past what it loaded), as Kedro's `confirms`.
   */
  confirms?: string | Iterable<string>;
}

/** Shared by every node without tags (most of them); `Node.tags` is read-only, so sharing is safe. */
const NO_TAGS: ReadonlySet<string> = new Set<string>();
/** Shared by every node that confirms nothing. */
const NO_CONFIRMS: readonly string[] = Object.freeze([]);

const VALID_FUNC_NAME = /^[A-Za-z0-9_][A-Za-z0-9_\-.]*$/;

/** `<function name>__<8 hex digits>`, hashing the function name and the declared input and output names. */
function defaultName(
  func: (...args: any[]) => unknown,
  inputNames: readonly string[],
  outputNames: readonly string[],
): string {
  const fn = VALID_FUNC_NAME.test(func.name) ? func.name : "node";
  return `${fn}__${shortHash(`${fn}(${inputNames.join(",")})->(${outputNames.join(",")})`)}`;
}

interface NodeParts {
  func: (...args: any[]) => unknown;
  baseName: string;
  /** True when `baseName` was derived from the datasets (no `name` given): renamed copies derive it again. */
  defaultName: boolean;
  namespace: string | undefined;
  tags: ReadonlySet<string>;
  input: Side;
  output: Side;
  confirms?: readonly string[];
}

/** Bits of `Node.#flags`: the input kind, the output kind (shifted by 2), and "the name is a default". */
const OUTPUT_SHIFT = 2;
const KIND_MASK = 3;
const DEFAULT_NAME = 16;

/** A record's keys, for the side(s) declared as a record (most nodes have none). */
interface RecordKeys {
  input?: readonly string[];
  output?: readonly string[];
}

/**
 * A step of a pipeline: a function with named inputs and outputs. Immutable; make one with {@link node}.
 */
export class Node {
  readonly func: (...args: any[]) => unknown;
  /** Full name, `namespace.name` when the node has a namespace. Unique within a pipeline. */
  readonly name: string;
  readonly namespace: string | undefined;
  readonly tags: ReadonlySet<string>;
  /** Distinct input dataset names, in declaration order. */
  readonly inputs: readonly string[];
  /** Output dataset names, in declaration order. */
  readonly outputs: readonly string[];
  /** Datasets confirmed after the node runs (see {@link NodeOptions.confirms}). */
  readonly confirms: readonly string[];
  // A pipeline keeps every node alive, so a node is a few fields (BENCHMARKS.md, section 1): Shape
  // objects are made when asked for, kinds and the default-name flag share one number, and record
  // keys have a field only through `#keys`.
  /** Input names as declared (a list may name one dataset twice); usually the same array as `inputs`. */
  readonly #inputNames: readonly string[];
  readonly #flags: number;
  readonly #keys: RecordKeys | undefined;

  /** @internal Use {@link node}. */
  constructor(parts: NodeParts) {
    const { input, output } = parts;
    this.func = parts.func;
    this.namespace = parts.namespace;
    this.name = parts.namespace ? `${parts.namespace}.${parts.baseName}` : parts.baseName;
    this.tags = parts.tags;
    this.#inputNames = input.names;
    this.#flags = input.kind | (output.kind << OUTPUT_SHIFT) | (parts.defaultName ? DEFAULT_NAME : 0);
    this.#keys =
      input.keys || output.keys
        ? { ...(input.keys ? { input: input.keys } : {}), ...(output.keys ? { output: output.keys } : {}) }
        : undefined;
    this.inputs = unique(input.names);
    this.outputs = output.names;
    this.confirms = parts.confirms ?? NO_CONFIRMS;
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

  /** The name without the namespace. */
  get shortName(): string {
    return this.namespace ? this.name.slice(this.namespace.length + 1) : this.name;
  }

  get #inputKind(): Kind {
    return (this.#flags & KIND_MASK) as Kind;
  }

  get #outputKind(): Kind {
    return ((this.#flags >> OUTPUT_SHIFT) & KIND_MASK) as Kind;
  }

  /** How the inputs were declared (one name, a list or a record), so copies call the function the same way. */
  get inputShape(): Shape {
    return shapeOf(this.#inputKind, this.#inputNames, this.#keys?.input);
  }

  /** How the outputs were declared. */
  get outputShape(): Shape {
    return shapeOf(this.#outputKind, this.outputs, this.#keys?.output);
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
    const names = this.#inputNames;
    let result: unknown;
    switch (this.#inputKind) {
      case NONE:
        result = this.func();
        break;
      case SINGLE:
        result = this.func(inputs[names[0]!]);
        break;
      case LIST:
        result = this.func(...names.map((n) => inputs[n]));
        break;
      case RECORD: {
        const keys = this.#keys!.input!;
        const arg: Record<string, unknown> = {};
        for (let i = 0; i < keys.length; i++) arg[keys[i]!] = inputs[names[i]!];
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
    const names = this.outputs;
    switch (this.#outputKind) {
      case NONE:
        return {};
      case SINGLE:
        return { [names[0]!]: result };
      case LIST: {
        if (!Array.isArray(result) || result.length !== names.length) {
          throw this.shapeError(
            `an array of ${names.length} values for outputs ${JSON.stringify(names)}`,
            describeValue(result),
          );
        }
        const out: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) out[names[i]!] = result[i];
        return out;
      }
      case RECORD: {
        const keys = this.#keys!.output!;
        if (result === null || typeof result !== "object" || Array.isArray(result)) {
          throw this.shapeError(`an object with keys ${JSON.stringify(keys)}`, describeValue(result));
        }
        const record = result as Record<string, unknown>;
        const missing = keys.filter((k) => !Object.hasOwn(record, k));
        const extra = Object.keys(record).filter((k) => !keys.includes(k));
        if (missing.length > 0 || extra.length > 0) {
          const parts = [];
          if (missing.length)
            parts.push(`missing key${missing.length > 1 ? "s" : ""} ${JSON.stringify(missing)}`);
          if (extra.length)
            parts.push(`unexpected key${extra.length > 1 ? "s" : ""} ${JSON.stringify(extra)}`);
          throw this.shapeError(
            `an object with keys ${JSON.stringify(keys)}`,
            `an object with ${parts.join(" and ")}`,
          );
        }
        const out: Record<string, unknown> = {};
        for (let i = 0; i < keys.length; i++) out[names[i]!] = record[keys[i]!];
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
    const keys = this.#keys;
    const input: Side = { kind: this.#inputKind, names: this.#inputNames, keys: keys?.input };
    const output: Side = { kind: this.#outputKind, names: this.outputs, keys: keys?.output };
    if (rename) {
      input.names = input.names.map(rename);
      output.names = output.names.map(rename);
    }
    const isDefault = (this.#flags & DEFAULT_NAME) !== 0;
    return new Node({
      func: this.func,
      // A default name hashes the datasets, so a copy reading or writing other datasets gets its own.
      baseName: isDefault && rename ? defaultName(this.func, input.names, output.names) : this.shortName,
      defaultName: isDefault,
      namespace,
      tags: changes.tags ? new Set([...this.tags, ...changes.tags]) : this.tags,
      input,
      output,
      confirms: rename && this.confirms.length > 0 ? this.confirms.map(rename) : this.confirms,
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
    confirms?: string[];
    func: string;
  } {
    return {
      name: this.name,
      namespace: this.namespace ?? null,
      tags: [...this.tags].sort(),
      inputs: specOf(this.#inputKind, this.#inputNames, this.#keys?.input),
      outputs: specOf(this.#outputKind, this.outputs, this.#keys?.output),
      ...(this.confirms.length > 0 ? { confirms: [...this.confirms] } : {}),
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
  const { func, inputs, outputs, name, namespace, tags, confirms } = options;
  const label = name ?? (func?.name || "<anonymous>"); // an anonymous function's name is ""
  if (typeof func !== "function") {
    throw new PipelineError(
      "KILN_NODE_INVALID_FUNC",
      `${whereOf(label)}: func must be a function, got ${describeValue(func)}.`,
      {
        hint: "Pass the function itself: node({ func: myFunction, inputs, outputs }).",
      },
    );
  }
  const input = parseSide(inputs, label, "inputs");
  const output = parseSide(outputs, label, "outputs");
  if (name !== undefined) validateNodeName(name, whereOf(label));
  if (namespace !== undefined) validateNamespace(namespace, whereOf(label));
  let tagSet = NO_TAGS;
  if (typeof tags === "string") {
    validateTag(tags, whereOf(label));
    tagSet = new Set([tags]);
  } else if (tags !== undefined) {
    const list = [...tags];
    for (const tag of list) validateTag(tag, whereOf(label));
    if (list.length > 0) tagSet = new Set(list);
  }
  let confirmed: readonly string[] | undefined;
  if (confirms !== undefined) {
    const list = typeof confirms === "string" ? [confirms] : [...confirms];
    for (const dataset of list) validateDatasetName(dataset, `${whereOf(label)} confirms`);
    if (list.length > 0) confirmed = [...new Set(list)];
  }
  return new Node({
    func,
    baseName: name ?? defaultName(func, input.names, output.names),
    defaultName: name === undefined,
    namespace,
    tags: tagSet,
    input,
    output,
    ...(confirmed ? { confirms: confirmed } : {}),
  });
}
