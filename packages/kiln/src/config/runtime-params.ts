import { ConfigError } from "../errors/index.js";
import { lazyYaml } from "../utils/index.js";
import { splitTopLevel } from "./interpolation-syntax.js";
import { RUNTIME_PARAMS_SOURCE } from "./location.js";
import { deepMergeInto, type Located } from "./merge.js";
import { clonePlain, isPlainObject, setOwn } from "./object-path.js";
import { SourceMap } from "./source-map.js";

const KEY = /^[\w-]+(?:\.[\w-]+)*$/;
const FORMAT_HINT =
  "Write comma-separated key=value pairs, dotted keys for nesting: a.b=1,c=x,d=true,e=[1,2] (quote a value with commas: name='a,b').";

function badParams(text: string, column: number, problem: string): ConfigError {
  return new ConfigError(
    "KILN_CONFIG_BAD_RUNTIME_PARAMS",
    `--params "${text}", column ${column}: ${problem}.`,
    { hint: FORMAT_HINT, location: { file: RUNTIME_PARAMS_SOURCE, line: 1, column } },
  );
}

function parseValue(raw: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (raw.startsWith("!")) return { ok: false, reason: "YAML tags are not allowed in values" };
  const doc = lazyYaml().parseDocument(raw, { schema: "core", logLevel: "silent" });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) return { ok: false, reason: `the value is not valid YAML (${problem.code})` };
  return { ok: true, value: doc.toJS() };
}

/** Sets `value` at a dotted key, making mappings on the way (a later key replaces an earlier value). */
function setDotted(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split(".");
  let current = target;
  keys.slice(0, -1).forEach((key) => {
    const next = Object.hasOwn(current, key) ? current[key] : undefined;
    if (!isPlainObject(next)) setOwn(current, key, {});
    current = current[key] as Record<string, unknown>;
  });
  setOwn(current, keys[keys.length - 1]!, value);
}

/**
 * Parses `kiln run --params` text into a nested object; each value is typed as a YAML scalar
 * (`1` → 1, `true` → true, `[1,2]` → [1, 2], `x` → "x"). Commas inside brackets or quotes do not
 * split pairs.
 *
 * @example parseRuntimeParams("model.lr=0.1,tags=[a,b]") // { model: { lr: 0.1 }, tags: ["a", "b"] }
 * @throws ConfigError `KILN_CONFIG_BAD_RUNTIME_PARAMS` naming the column and the expected format.
 */
export function parseRuntimeParams(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (text.trim() === "") return out;
  let column = 1;
  for (const item of splitTopLevel(text)) {
    const equals = item.indexOf("=");
    const key = (equals < 0 ? item : item.slice(0, equals)).trim();
    if (equals < 0) throw badParams(text, column, `"${item.trim()}" has no "=" between key and value`);
    if (!KEY.test(key))
      throw badParams(
        text,
        column,
        key === ""
          ? "a key is empty"
          : `"${key}" is not a valid key (letters, digits, _ and - separated by dots)`,
      );
    const parsed = parseValue(item.slice(equals + 1).trim());
    if (!parsed.ok) throw badParams(text, column + equals + 1, `${parsed.reason} for "${key}"`);
    setDotted(out, key, parsed.value);
    column += item.length + 1;
  }
  return out;
}

/** Expands dotted keys of a runtime-params object (`{"a.b": 1}` → `{a: {b: 1}}`), deeply. */
export function normalizeRuntimeParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Located = { value: {}, locations: new SourceMap() };
  for (const [key, value] of Object.entries(params)) {
    const probe: Record<string, unknown> = {};
    setDotted(probe, key, isPlainObject(value) ? normalizeRuntimeParams(value) : clonePlain(value));
    deepMergeInto(out, { value: probe, locations: new SourceMap() });
  }
  return out.value;
}

/**
 * Overrides merged parameters with runtime params, deeply. The keys they set read "runtime params"
 * as their location; a mapping that a file defines and `--params` only adds to keeps its file's
 * location (`--params weather.days=5` sets `weather.days`, not `weather`), so a problem reported
 * against that mapping points at the file.
 */
export function applyRuntimeParams(parameters: Located, params: Record<string, unknown>): void {
  const locations = new SourceMap();
  const runtime = { file: RUNTIME_PARAMS_SOURCE, line: 1, column: 1 };
  const markAll = (value: unknown, path: string[]) => {
    locations.set(path, runtime);
    if (isPlainObject(value)) for (const [key, item] of Object.entries(value)) markAll(item, [...path, key]);
  };
  const mark = (value: Record<string, unknown>, existing: unknown, path: string[]) => {
    for (const [key, item] of Object.entries(value)) {
      const before = isPlainObject(existing) && Object.hasOwn(existing, key) ? existing[key] : undefined;
      if (isPlainObject(item) && isPlainObject(before)) mark(item, before, [...path, key]);
      else markAll(item, [...path, key]);
    }
  };
  mark(params, parameters.value, []);
  deepMergeInto(parameters, { value: clonePlain(params), locations });
}
