// Valohai's own rules for valohai.yaml, written here from valohai-yaml's JSON schema files
// (valohai_yaml/schema/*.yaml) and its lint code (lint.py, objs/parameter.py, objs/pipelines/*.py),
// since valohai-yaml (Python, PyPI) cannot run here. Read from the valohai/valohai-yaml repository;
// what each check comes from is said beside it. Stricter in three places, marked "(Kiln)".

/** One finding: an error (the schema or valohai-yaml's lint) or a warning (lint; `vh lint` fails on both). */
export interface ValohaiFinding {
  type: "error" | "warning";
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string";

// schema/step.yaml: additionalProperties false.
const STEP_KEYS = new Set([
  "command",
  "source-path",
  "name",
  "image",
  "upload-store",
  "description",
  "inputs",
  "outputs",
  "parameters",
  "mounts",
  "environment-variables",
  "environment",
  "time-limit",
  "no-output-timeout",
  "icon",
  "category",
  "resources",
  "stop-condition",
]);
// schema/input-item.yaml, output-item.yaml, param-item.yaml.
const INPUT_KEYS = new Set(["name", "description", "default", "optional", "filename", "keep-directories"]);
const OUTPUT_KEYS = new Set(["name", "description"]);
const PARAM_KEYS = new Set([
  "description",
  "pass-as",
  "type",
  "min",
  "max",
  "optional",
  "name",
  "choices",
  "default",
  "pass-true-as",
  "pass-false-as",
  "multiple",
  "multiple-separator",
  "widget",
]);
const PARAM_TYPES = new Set(["flag", "float", "integer", "string"]);
// schema/pipeline.yaml and execution-node.yaml.
const PIPELINE_KEYS = new Set(["name", "parameters", "nodes", "edges", "reuse-executions"]);
const EXECUTION_NODE_KEYS = new Set(["type", "name", "step", "on-error", "actions", "override"]);
// objs/pipelines/edge.py.
const EDGE_TYPES = new Set(["input", "output", "parameter", "metadata", "file"]);

/** Python's `int(str(v), 10)` / `float(str(v))` acceptance, for lint's default checks. */
const pyInt = (v: unknown) => /^\s*[-+]?\d+(_\d+)*\s*$/.test(pyStr(v));
const pyFloat = (v: unknown) =>
  /^\s*[-+]?((\d+(_\d+)*)?\.?\d+(_\d+)*([eE][-+]?\d+)?|\d+\.|inf(inity)?|nan)\s*$/i.test(pyStr(v));
const pyStr = (v: unknown) => (v === true ? "True" : v === false ? "False" : String(v));

/** Checks a parsed valohai.yaml document against valohai-yaml's schema and lint rules. */
export function checkValohai(doc: unknown): ValohaiFinding[] {
  const out: ValohaiFinding[] = [];
  const error = (message: string) => out.push({ type: "error", message });
  const warning = (message: string) => out.push({ type: "warning", message });
  // schema/base.yaml: an array of objects.
  if (!Array.isArray(doc)) return [{ type: "error", message: "the document is not a list" }];
  const steps = new Map<string, Obj>();
  const pipelines: Obj[] = [];
  doc.forEach((item, i) => {
    if (!isObj(item)) {
      error(`item ${i} is not a mapping`);
      return;
    }
    // objs/config.py: an item with none of these gets "No parser for …" (a warning).
    const kind = ["step", "task", "endpoint", "pipeline", "blueprint"].find((k) => k in item);
    if (!kind) warning(`No parser for item ${i}`);
    else if (kind === "step") checkStep(item.step, i, steps, error, warning);
    else if (kind !== "pipeline") error(`item ${i}: ${kind} items are not checked here`);
    else if (isObj(item.pipeline)) pipelines.push(item.pipeline);
    else error(`item ${i}: pipeline is not a mapping`);
  });
  for (const p of pipelines) checkPipeline(p, steps, error);
  return out;
}

function checkStep(
  step: unknown,
  i: number,
  steps: Map<string, Obj>,
  error: (m: string) => void,
  warning: (m: string) => void,
): void {
  if (!isObj(step)) {
    error(`item ${i}: step is not a mapping`);
    return;
  }
  const where = `step ${String(step.name ?? i)}`;
  for (const key of ["command", "name", "image"])
    if (!(key in step)) error(`${where}: '${key}' is a required property`);
  for (const key of Object.keys(step))
    if (!STEP_KEYS.has(key)) error(`${where}: additional property '${key}'`);
  if (!isStr(step.name)) error(`${where}: name is not a string`);
  if (!isStr(step.image)) error(`${where}: image is not a string`);
  const command = step.command;
  if (!isStr(command) && !(Array.isArray(command) && command.every(isStr)))
    error(`${where}: command is neither a string nor a list of strings`);
  if (isStr(step.name)) {
    if (steps.has(step.name)) error(`${where}: two steps have this name (Kiln)`); // valohai-yaml keeps the last
    steps.set(step.name, step);
  }
  const list = (key: string): Obj[] => {
    const v = step[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      error(`${where}: ${key} is not a list`);
      return [];
    }
    return v.filter((x, j) => {
      if (!isObj(x)) error(`${where}: ${key}[${j}] is not a mapping`);
      return isObj(x);
    });
  };
  const unique = (key: string, items: Obj[]) => {
    const seen = new Set<unknown>();
    for (const it of items) {
      if (seen.has(it.name)) error(`${where}: two ${key} named ${String(it.name)} (Kiln)`); // valohai-yaml keeps the last
      seen.add(it.name);
    }
  };
  const inputs = list("inputs");
  for (const input of inputs) {
    const w = `${where}, input ${String(input.name)}`;
    if (!isStr(input.name)) error(`${w}: name is required and a string`);
    else if (input.name.length > 64) error(`${w}: name is longer than 64 characters`);
    for (const key of Object.keys(input))
      if (!INPUT_KEYS.has(key)) error(`${w}: additional property '${key}'`);
    if ("description" in input && !isStr(input.description)) error(`${w}: description is not a string`);
    if (
      "default" in input &&
      !isStr(input.default) &&
      !(Array.isArray(input.default) && input.default.every(isStr))
    )
      error(`${w}: default is neither a string nor a list of strings`);
    if ("optional" in input && typeof input.optional !== "boolean") error(`${w}: optional is not a boolean`);
    if ("filename" in input && !isStr(input.filename)) error(`${w}: filename is not a string`);
    const keep = input["keep-directories"];
    if (keep !== undefined && typeof keep !== "boolean" && !["none", "full", "suffix"].includes(String(keep)))
      error(`${w}: keep-directories is not a boolean nor none/full/suffix`);
  }
  unique("inputs", inputs);
  const outputs = list("outputs");
  for (const output of outputs) {
    const w = `${where}, output ${String(output.name)}`;
    if (!isStr(output.name)) error(`${w}: name is required and a string`);
    for (const key of Object.keys(output))
      if (!OUTPUT_KEYS.has(key)) error(`${w}: additional property '${key}'`);
    if ("description" in output && !isStr(output.description)) error(`${w}: description is not a string`);
  }
  const parameters = list("parameters");
  for (const p of parameters) checkParameter(p, where, error, warning);
  unique("parameters", parameters);
}

function checkParameter(
  p: Obj,
  step: string,
  error: (m: string) => void,
  warning: (m: string) => void,
): void {
  const prefix = `Step ${step.replace(/^step /, "")}, parameter ${String(p.name)}`;
  // schema/param-item.yaml
  if (!isStr(p.name)) error(`${prefix}: name is required and a string`);
  for (const key of Object.keys(p))
    if (!PARAM_KEYS.has(key)) error(`${prefix}: additional property '${key}'`);
  const type = p.type ?? "string";
  if (!PARAM_TYPES.has(String(type)))
    error(`${prefix}: type ${String(type)} is not one of flag, float, integer, string`);
  for (const key of ["description", "pass-as", "pass-true-as", "pass-false-as", "multiple-separator"])
    if (key in p && !isStr(p[key])) error(`${prefix}: ${key} is not a string`);
  for (const key of ["min", "max"])
    if (key in p && typeof p[key] !== "number") error(`${prefix}: ${key} is not a number`);
  if ("optional" in p && typeof p.optional !== "boolean") error(`${prefix}: optional is not a boolean`);
  if ("choices" in p && !Array.isArray(p.choices)) error(`${prefix}: choices is not a list`);
  if ("multiple" in p && !["none", "repeat", "separate"].includes(String(p.multiple)))
    error(`${prefix}: multiple is not none, repeat or separate`);
  if (type === "flag" && p.multiple && p.multiple !== "none")
    error(`${prefix}: Flag parameters can't be multiple`);
  // objs/parameter.py lint()
  const hasPassAs = Boolean(p["pass-as"]);
  const hasTrue = Boolean(p["pass-true-as"]);
  const hasFalse = Boolean(p["pass-false-as"]);
  if (type === "flag") {
    if (p.optional) warning(`${prefix}: \`optional\` has no effect on flag-type parameters`);
    if ((hasTrue || hasFalse) && hasPassAs)
      warning(`${prefix}: \`pass-as\` has no effect with \`pass-true-as\`/\`pass-false-as\``);
  } else {
    if (hasTrue) warning(`${prefix}: \`pass-true-as\` has no effect on non-flag parameters`);
    if (hasFalse) warning(`${prefix}: \`pass-false-as\` has no effect on non-flag parameters`);
  }
  const multiple = p.multiple && p.multiple !== "none";
  if (p.default) {
    const defaults = multiple && Array.isArray(p.default) ? p.default : [p.default];
    const choices = type === "flag" ? [true, false] : (p.choices as unknown[] | undefined);
    for (const value of defaults) {
      const problems: string[] = [];
      if (type === "string" && !isStr(value))
        problems.push(`\`default\` value ${pyStr(value)} is not a string`);
      else {
        if (type === "integer" && !pyInt(value)) problems.push(`${pyStr(value)} is not an integer`);
        if (type === "float" && !pyFloat(value))
          problems.push(`${pyStr(value)} is not a floating-point number`);
        const n = Number(value);
        if (typeof p.min === "number" && typeof value === typeof p.min && n < p.min)
          problems.push(`${pyStr(value)} is less than the minimum allowed (${p.min})`);
        if (typeof p.max === "number" && typeof value === typeof p.max && n > p.max)
          problems.push(`${pyStr(value)} is greater than the maximum allowed (${p.max})`);
        if (choices && !choices.includes(value))
          problems.push(`${pyStr(value)} is not among the choices allowed`);
      }
      for (const message of problems) warning(`${prefix}: default ${message}`);
    }
  }
}

function checkPipeline(p: Obj, steps: Map<string, Obj>, error: (m: string) => void): void {
  const name = String(p.name);
  // schema/pipeline.yaml
  for (const key of ["edges", "name", "nodes"])
    if (!(key in p)) error(`pipeline ${name}: '${key}' is a required property`);
  for (const key of Object.keys(p))
    if (!PIPELINE_KEYS.has(key)) error(`pipeline ${name}: additional property '${key}'`);
  const nodes = Array.isArray(p.nodes) ? p.nodes : [];
  const names = new Map<string, number>();
  for (const node of nodes) {
    if (!isObj(node)) {
      error(`pipeline ${name}: a node is not a mapping`);
      continue;
    }
    // schema/execution-node.yaml (deployment and task nodes are not made by the export)
    if (node.type !== "execution")
      error(`pipeline ${name}: node ${String(node.name)} is not an execution node`);
    for (const key of ["name", "step", "type"])
      if (!(key in node)) error(`pipeline ${name}: node lacks '${key}'`);
    for (const key of Object.keys(node))
      if (!EXECUTION_NODE_KEYS.has(key))
        error(`pipeline ${name}: node ${String(node.name)}: additional property '${key}'`);
    if ("on-error" in node && !["stop-all", "stop-next", "continue"].includes(String(node["on-error"])))
      error(`pipeline ${name}: node ${String(node.name)}: bad on-error`);
    names.set(String(node.name), (names.get(String(node.name)) ?? 0) + 1);
    // objs/pipelines/execution_node.py lint()
    if (!steps.has(String(node.step)))
      error(`Pipeline ${name} node ${String(node.name)} step ${String(node.step)} does not exist`);
  }
  // objs/pipelines/pipeline.py lint(): unique node names
  for (const [n, times] of names)
    if (times > 1) error(`Pipeline ${name} has ${times} nodes with the same name of ${n}`);
  const stepOf = new Map(nodes.filter(isObj).map((n) => [String(n.name), steps.get(String(n.step))]));
  for (const edge of Array.isArray(p.edges) ? p.edges : []) {
    // schema/pipeline.yaml: a [source, target] pair or {source, target, configuration?}
    let source: unknown;
    let target: unknown;
    if (Array.isArray(edge)) {
      if (edge.length !== 2 || !edge.every(isStr)) {
        error(`pipeline ${name}: Malformed edge shorthand ${JSON.stringify(edge)}`);
        continue;
      }
      [source, target] = edge;
    } else if (isObj(edge)) {
      for (const key of Object.keys(edge))
        if (!["source", "target", "configuration"].includes(key))
          error(`pipeline ${name}: edge: additional property '${key}'`);
      if ("configuration" in edge && !isObj(edge.configuration))
        error(`pipeline ${name}: edge configuration is not a mapping`);
      ({ source, target } = edge);
    } else {
      error(`pipeline ${name}: an edge is neither a list nor a mapping`);
      continue;
    }
    if (!isStr(source) || !isStr(target)) {
      error(`pipeline ${name}: an edge lacks a source or target string`);
      continue;
    }
    // objs/pipelines/edge.py: "node.type.key", split on the first two dots
    const parts = (s: string) => {
      const [a, b, ...rest] = s.split(".");
      return rest.length > 0 ? [a!, b!, rest.join(".")] : [s];
    };
    const [sNode, sType, sKey] = parts(source);
    const [tNode, tType, tKey] = parts(target);
    if (sKey === undefined) error(`Source specifier '${source}' must have 3 parts`);
    if (tKey === undefined) error(`Target specifier '${target}' must have 3 parts`);
    if (sKey === undefined || tKey === undefined) continue;
    if (!names.has(sNode!)) error(`Pipeline ${name} edge source node ${sNode} does not exist`);
    if (!names.has(tNode!)) error(`Pipeline ${name} edge target node ${tNode} does not exist`);
    if (!EDGE_TYPES.has(sType!))
      error(`Pipeline ${name} source type ${sType} (between ${sNode} and ${tNode}) not valid`);
    if (!EDGE_TYPES.has(tType!))
      error(`Pipeline ${name} target type ${tType} (between ${sNode} and ${tNode}) not valid`);
    // (Kiln) an input edge must name an input the target step declares, or Valohai has nowhere to put the file
    const targetStep = stepOf.get(tNode!);
    if (tType === "input" && targetStep) {
      const declared = ((targetStep.inputs as Obj[] | undefined) ?? []).map((x) => x.name);
      if (!declared.includes(tKey))
        error(`Pipeline ${name} edge target ${target}: step has no input ${tKey} (Kiln)`);
    }
  }
}
