import { ModelError } from "@kiln/tracking";
import type { ParamSpec, SignatureType } from "../model-types.js";

function fits(value: unknown, type: SignatureType): boolean {
  switch (type) {
    case "boolean":
      return typeof value === "boolean";
    case "integer":
    case "long":
      return (typeof value === "number" && Number.isInteger(value)) || typeof value === "bigint";
    case "float":
    case "double":
      return typeof value === "number";
    case "string":
    case "binary":
      return typeof value === "string";
    case "datetime":
      return value instanceof Date || (typeof value === "string" && !Number.isNaN(Date.parse(value)));
  }
}

/**
 * Checks per-prediction parameters against the signature: only declared names, each of its type (a
 * list for `shape: [-1]`). Resolves to the parameters to use.
 * @throws ModelError `KILN_MODEL_BAD_PARAMS` naming the parameter.
 */
export function checkParams(
  params: Readonly<Record<string, unknown>> | undefined,
  specs: readonly ParamSpec[] | null,
): Record<string, unknown> {
  if (params === undefined || params === null) return {};
  if (typeof params !== "object" || Array.isArray(params)) {
    throw new ModelError("KILN_MODEL_BAD_PARAMS", "Parameters must be an object of name → value.", {
      hint: 'e.g. { "threshold": 0.5 }',
    });
  }
  const byName = new Map((specs ?? []).map((s) => [s.name, s]));
  for (const [name, value] of Object.entries(params)) {
    const spec = byName.get(name);
    if (!spec) {
      throw new ModelError(
        "KILN_MODEL_BAD_PARAMS",
        `The model has no parameter "${name}" a prediction may set.`,
        {
          hint:
            byName.size > 0
              ? `Its parameters: ${[...byName.keys()].join(", ")}.`
              : "Its signature declares no parameters (the inference pipeline reads none).",
        },
      );
    }
    const ok = spec.shape
      ? Array.isArray(value) && value.every((v) => fits(v, spec.type))
      : fits(value, spec.type);
    if (!ok) {
      throw new ModelError(
        "KILN_MODEL_BAD_PARAMS",
        `Parameter "${name}" must be ${spec.shape ? `a list of ${spec.type} values` : `a ${spec.type}`}, got ${JSON.stringify(value)}.`,
        { hint: `Its default is ${JSON.stringify(spec.default)}.` },
      );
    }
  }
  return { ...params };
}
