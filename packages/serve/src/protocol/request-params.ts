import { closestMatches } from "kiln";
import { ScoringRequestError } from "../errors.js";
import type { ParamSpec } from "../model-types.js";
import { INVALID, TYPE_EXAMPLES, VALUE_CONVERTERS } from "./value-converters.js";

function badParam(code: string, message: string, hint: string): ScoringRequestError {
  return new ScoringRequestError(code, message, { hint });
}

/** A JSON value of the exact kind a parameter type takes (no text-to-number reading, unlike CSV). */
function paramValue(spec: ParamSpec, value: unknown): unknown {
  switch (spec.type) {
    case "double":
    case "float":
      return typeof value === "number" ? value : INVALID;
    case "integer":
    case "long":
    case "datetime":
    case "binary":
      return typeof value === "number" || typeof value === "string"
        ? VALUE_CONVERTERS[spec.type](value, false)
        : INVALID;
    case "boolean":
      return typeof value === "boolean" ? value : INVALID;
    case "string":
      return typeof value === "string" ? value : INVALID;
    default:
      return value;
  }
}

/**
 * A request's `params` checked against the signature's: each must be declared, and of its type
 * (a list of that type when its shape is `[-1]`). A null value means "use the default", as if left
 * out. Returns the converted values of the params given (the model fills in the defaults), or
 * undefined when none are.
 *
 * Kiln is stricter than MLflow here, which ignores unknown params with a warning: a misspelt
 * parameter would otherwise be dropped without anyone noticing.
 * @throws ScoringRequestError `KILN_SERVE_UNKNOWN_PARAM` or `KILN_SERVE_BAD_PARAM`.
 */
export function checkParams(
  params: unknown,
  specs: readonly ParamSpec[] | null | undefined,
): Record<string, unknown> | undefined {
  if (params === undefined || params === null) return undefined;
  if (typeof params !== "object" || Array.isArray(params)) {
    throw badParam(
      "KILN_SERVE_BAD_PARAM",
      `"params" must be an object of parameter names and values; got ${Array.isArray(params) ? "a list" : typeof params}.`,
      'e.g. "params": {"threshold": 0.5}.',
    );
  }
  const declared = new Map((specs ?? []).map((spec) => [spec.name, spec]));
  const given = Object.entries(params as Record<string, unknown>);
  if (given.length === 0) return undefined;
  const unknown = given.map(([name]) => name).filter((name) => !declared.has(name));
  if (unknown.length > 0) {
    const guesses = unknown.flatMap((name) => {
      const [near] = closestMatches(name, declared.keys());
      return near === undefined ? [] : [`"${near}" for "${name}"`];
    });
    throw badParam(
      "KILN_SERVE_UNKNOWN_PARAM",
      `The model has no parameter ${unknown.map((n) => `"${n}"`).join(", ")}.`,
      declared.size === 0
        ? "This model declares no parameters in its signature, so a request cannot set any."
        : `${guesses.length > 0 ? `Did you mean ${guesses.join(", ")}? ` : ""}Its parameters: ${[
            ...declared.values(),
          ]
            .map((s) => `${s.name} (${s.type}${s.shape ? " list" : ""})`)
            .join(", ")}.`,
    );
  }
  const checked: Record<string, unknown> = Object.create(null);
  const problems: string[] = [];
  for (const [name, value] of given) {
    if (value === null) continue;
    const spec = declared.get(name)!;
    const list = spec.shape !== null && spec.shape !== undefined;
    if (list && !Array.isArray(value)) {
      problems.push(`"${name}" must be a list of ${spec.type} values; got ${JSON.stringify(value)}`);
      continue;
    }
    const items = list ? (value as unknown[]) : [value];
    const converted = items.map((item) => paramValue(spec, item));
    const bad = converted.indexOf(INVALID);
    if (bad !== -1) {
      problems.push(
        `"${name}" must be ${list ? "a list of " : ""}${spec.type} (${TYPE_EXAMPLES[spec.type] ?? spec.type}); got ${JSON.stringify(items[bad])}`,
      );
      continue;
    }
    checked[name] = list ? converted : converted[0];
  }
  if (problems.length > 0) {
    throw badParam(
      "KILN_SERVE_BAD_PARAM",
      `Wrong parameter value${problems.length > 1 ? "s" : ""}: ${problems.join("; ")}.`,
      "Send each parameter in the type the model's signature declares, or null for its default.",
    );
  }
  return Object.keys(checked).length > 0 ? { ...checked } : undefined;
}
