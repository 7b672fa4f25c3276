import type { ParameterLeaf } from "./parameter-types.js";

/** A Valohai parameter: typed, with its default, passed to `kiln run` as `--params=key=value`. */
export function valohaiParameter(leaf: ParameterLeaf): Record<string, unknown> {
  const base = {
    name: leaf.key,
    type: leaf.type,
    ...(leaf.description ? { description: leaf.description } : {}),
  };
  if (leaf.type === "flag") {
    return {
      ...base,
      default: leaf.value === true,
      "pass-true-as": `--params=${leaf.key}=true`,
      "pass-false-as": `--params=${leaf.key}=false`,
    };
  }
  if (leaf.structured) {
    return {
      ...base,
      default: JSON.stringify(leaf.value),
      description: leaf.description ?? "JSON (read as YAML by kiln run --params)",
      "pass-as": `--params=${leaf.key}={v}`,
    };
  }
  return {
    ...base,
    // Quoted for kiln run: a string stays a string (not a number) and may hold commas.
    ...(leaf.type === "string"
      ? { default: String(leaf.value), "pass-as": `--params=${leaf.key}='{v}'` }
      : { default: leaf.value, "pass-as": `--params=${leaf.key}={v}` }),
    ...(leaf.min !== undefined ? { min: leaf.min } : {}),
    ...(leaf.max !== undefined ? { max: leaf.max } : {}),
    ...(leaf.choices ? { choices: leaf.choices } : {}),
  };
}
