import { PipelineError } from "../errors/index.js";
import { didYouMean, quoteList } from "../utils/index.js";
import {
  ALL_PARAMETERS,
  isParameter,
  PARAMS_PREFIX,
  stripTranscoding,
  transcodeParts,
  validateDatasetName,
  validateNamespace,
  validateTag,
} from "./names.js";
import { Pipeline, type PipelineLike } from "./pipeline.js";

/** A name kept as it is (string or list), or renamed (record: inner name → outer name). */
export type NameMapping = string | readonly string[] | Readonly<Record<string, string>>;

/** Options that turn a pipeline into a reusable modular pipeline. */
export interface ModularPipelineOptions {
  /** Prefix for every dataset, parameter and node inside, except those in `inputs`, `outputs`, `parameters`. */
  namespace?: string;
  /** Free inputs to keep (list) or rename (record) instead of prefixing. */
  inputs?: NameMapping;
  /** Outputs to keep (list) or rename (record) instead of prefixing. */
  outputs?: NameMapping;
  /** Parameters to keep or rename, with or without the `params:` prefix. */
  parameters?: NameMapping;
  /** Tags added to every node. */
  tags?: string | Iterable<string>;
  /** When false, only nodes get the namespace; datasets and parameters keep their names. Default true. */
  prefixDatasetsWithNamespace?: boolean;
}

function toRecord(mapping: NameMapping | undefined): Map<string, string> {
  if (mapping === undefined) return new Map();
  if (typeof mapping === "string") return new Map([[mapping, mapping]]);
  if (Array.isArray(mapping)) return new Map(mapping.map((m) => [m, m]));
  return new Map(Object.entries(mapping));
}

const asParam = (name: string) =>
  name === ALL_PARAMETERS || name.startsWith(PARAMS_PREFIX) ? name : `${PARAMS_PREFIX}${name}`;

/**
 * Throws for names that cannot be remapped. `why` gives the reason for one name and for several;
 * `allowed` is what may be mapped there; close matches come from `candidates` (names of the same
 * kind: parameters for a parameter, datasets otherwise), by default `allowed`.
 */
function badRemap(
  why: { one: string; many: string },
  names: string[],
  allowed: string[],
  options: { candidates?: string[]; hint?: string } = {},
): never {
  const candidates = options.candidates ?? allowed;
  const near = names.map((n) => didYouMean(n, candidates)).filter(Boolean);
  throw new PipelineError(
    "KILN_PIPELINE_BAD_REMAP",
    `Cannot map ${quoteList(names)}: ${names.length === 1 ? why.one : why.many}. The ones that can be mapped are: ${quoteList(allowed) || "(none)"}.`,
    { hint: [...near, options.hint].filter(Boolean).join(" ") || undefined },
  );
}

/**
 * Builds a pipeline from nodes and pipelines; with options, makes a modular copy: everything inside
 * is prefixed with `namespace` except the names remapped through `inputs`, `outputs` and `parameters`.
 *
 * @example
 * const active = pipeline(dataScience, {
 *   namespace: "active", inputs: ["model_input_table"], parameters: { "params:model_options": "params:active_options" },
 * });
 * @throws PipelineError when a remapped name is not a free input, an output or a parameter of the pipeline.
 */
export function pipeline(items: PipelineLike, options?: ModularPipelineOptions): Pipeline {
  const base = items instanceof Pipeline ? items : new Pipeline(items);
  if (!options) return base;
  const { namespace } = options;
  if (namespace !== undefined) validateNamespace(namespace, "pipeline()");
  const tags =
    options.tags === undefined ? [] : typeof options.tags === "string" ? [options.tags] : [...options.tags];
  for (const t of tags) validateTag(t, "pipeline()");

  const inputs = toRecord(options.inputs);
  const outputs = toRecord(options.outputs);
  const parameters = new Map([...toRecord(options.parameters)].map(([k, v]) => [asParam(k), asParam(v)]));
  for (const [k, v] of [...inputs, ...outputs, ...parameters]) {
    validateDatasetName(k, "pipeline()");
    validateDatasetName(v, "pipeline()");
  }

  const freeInputs = base.inputs().filter((d) => !isParameter(d));
  const freeBases = new Set(freeInputs.map(stripTranscoding));
  const usedParams = base.allInputs().filter(isParameter);
  const paramInputs = [...inputs.keys()].filter(isParameter);
  if (paramInputs.length > 0) {
    // A parameter is suggested among parameters (a dataset name would not help here).
    badRemap(
      {
        one: "it is a parameter, and parameters go in `parameters`, not `inputs`",
        many: "they are parameters, and parameters go in `parameters`, not `inputs`",
      },
      paramInputs,
      freeInputs,
      {
        candidates: usedParams.filter((u) => !paramInputs.includes(u)),
        hint: `Move ${paramInputs.length === 1 ? "it" : "them"} to \`parameters\`.`,
      },
    );
  }
  const notFree = [...inputs.keys()].filter((k) => !freeBases.has(stripTranscoding(k)));
  if (notFree.length > 0) {
    badRemap(
      { one: "it is not a free input of the pipeline", many: "they are not free inputs of the pipeline" },
      notFree,
      freeInputs,
    );
  }
  const allOutputs = base.allOutputs();
  const outBases = new Set(allOutputs.map(stripTranscoding));
  const notOut = [...outputs.keys()].filter((k) => !outBases.has(stripTranscoding(k)));
  if (notOut.length > 0) {
    badRemap(
      { one: "it is not an output of the pipeline", many: "they are not outputs of the pipeline" },
      notOut,
      allOutputs,
    );
  }
  const notParam = [...parameters.keys()].filter((k) => !usedParams.includes(k));
  if (notParam.length > 0) {
    badRemap(
      {
        one: "no node of the pipeline reads this parameter",
        many: "no node of the pipeline reads these parameters",
      },
      notParam,
      usedParams,
    );
  }

  const mapping = new Map([...inputs, ...outputs, ...parameters]);
  const prefix = options.prefixDatasetsWithNamespace === false ? undefined : namespace;
  const rename = (name: string): string => {
    const mapped = mapping.get(name);
    if (mapped !== undefined) return mapped;
    if (name === ALL_PARAMETERS) return name;
    if (name.startsWith(PARAMS_PREFIX)) {
      return prefix ? `${PARAMS_PREFIX}${prefix}.${name.slice(PARAMS_PREFIX.length)}` : name;
    }
    const [stem, format] = transcodeParts(name);
    const mappedStem = format ? mapping.get(stem) : undefined;
    if (mappedStem !== undefined) return `${mappedStem}@${format}`;
    return prefix ? `${prefix}.${name}` : name;
  };
  return new Pipeline(
    base.nodes.map((n) => n.withChanges({ rename, ...(namespace ? { namespace } : {}), tags })),
  );
}
