import { ALL_PARAMETERS, type DeclaredSchema, PARAMS_PREFIX } from "kiln";
import { z } from "zod";

/** A Valohai parameter type. */
export type ValohaiType = "flag" | "integer" | "float" | "string";

/** What the export knows of one parameter leaf: its key, value and type. */
export interface ParameterLeaf {
  /** The dotted key, as `kiln run --params` takes it. */
  key: string;
  value: unknown;
  type: ValohaiType;
  /** True when the value is a list or mapping, passed as JSON text (which `--params` reads as YAML). */
  structured: boolean;
  min?: number;
  max?: number;
  choices?: (string | number)[];
  description?: string;
}

type JsonSchema = Record<string, unknown>;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** The parameter keys a set of node inputs reads, expanded to their leaves (lists are leaves). */
export function parameterLeaves(inputs: Iterable<string>, parameters: Record<string, unknown>): string[] {
  const keys = new Set<string>();
  const walk = (key: string, value: unknown) => {
    if (isRecord(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(key === "" ? k : `${key}.${k}`, v);
    } else if (key !== "") keys.add(key);
  };
  for (const input of inputs) {
    if (input === ALL_PARAMETERS) walk("", parameters);
    else if (input.startsWith(PARAMS_PREFIX)) {
      const key = input.slice(PARAMS_PREFIX.length);
      walk(key, valueAt(parameters, key));
    }
  }
  return [...keys].sort();
}

function valueAt(root: unknown, dotted: string): unknown {
  let current = root;
  for (const part of dotted.split(".")) {
    if (!isRecord(current) || !Object.hasOwn(current, part)) return undefined;
    current = current[part];
  }
  return current;
}

/** The JSON Schema of a declared zod schema; undefined when it is not one zod can describe. */
function jsonSchemaOf(declared: DeclaredSchema): JsonSchema | undefined {
  try {
    return z.toJSONSchema(declared.schema as z.ZodType, {
      unrepresentable: "any",
      io: "input",
    }) as JsonSchema;
  } catch {
    return undefined; // another zod major, or not zod at all: types are inferred from values
  }
}

/** The sub-schema at a dotted key, through optional/nullable wrappers and `$ref`s. */
function schemaAt(root: JsonSchema, dotted: string): JsonSchema | undefined {
  const defs = (root.$defs ?? root.definitions ?? {}) as Record<string, JsonSchema>;
  const unwrap = (s: JsonSchema | undefined): JsonSchema | undefined => {
    if (!s) return undefined;
    if (typeof s.$ref === "string") return unwrap(defs[s.$ref.split("/").pop()!]);
    const options = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
    if (options) return unwrap(options.find((o) => o.type !== "null"));
    return s;
  };
  let current = unwrap(root);
  for (const part of dotted.split(".")) {
    const props = current?.properties as Record<string, JsonSchema> | undefined;
    current = unwrap(props?.[part]);
    if (!current) return undefined;
  }
  return current;
}

function fromSchema(schema: JsonSchema): Partial<ParameterLeaf> | undefined {
  const choices = Array.isArray(schema.enum)
    ? schema.enum.filter((c): c is string | number => typeof c === "string" || typeof c === "number")
    : undefined;
  // zod's .int() states the safe-integer range: not a bound anyone chose.
  const bound = (v: unknown) => typeof v === "number" && Math.abs(v) < Number.MAX_SAFE_INTEGER;
  const bounds = {
    ...(bound(schema.minimum) ? { min: schema.minimum as number } : {}),
    ...(bound(schema.maximum) ? { max: schema.maximum as number } : {}),
  };
  const description = typeof schema.description === "string" ? { description: schema.description } : {};
  switch (schema.type) {
    case "boolean":
      return { type: "flag", ...description };
    case "integer":
      return { type: "integer", ...bounds, ...description };
    case "number":
      return { type: "float", ...bounds, ...description };
    case "string":
      return { type: "string", ...(choices?.length ? { choices } : {}), ...description };
    default:
      return undefined;
  }
}

function fromValue(value: unknown): ValohaiType {
  if (typeof value === "boolean") return "flag";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "float";
  return "string";
}

/**
 * Types `keys`: from the declared zod schemas where one describes the key (bounds, choices and
 * description too), else from the value. Lists and mappings are strings of JSON.
 */
export function typeParameters(
  keys: readonly string[],
  parameters: Record<string, unknown>,
  schemas: readonly DeclaredSchema[],
): ParameterLeaf[] {
  const jsonSchemas = schemas.map(jsonSchemaOf).filter((s): s is JsonSchema => s !== undefined);
  return keys.map((key) => {
    const value = valueAt(parameters, key);
    const structured = value !== null && typeof value === "object";
    if (structured || value === null || value === undefined)
      return { key, value, type: "string", structured: true };
    for (const schema of jsonSchemas) {
      const sub = schemaAt(schema, key);
      const typed = sub && fromSchema(sub);
      if (typed) return { key, value, structured: false, ...typed } as ParameterLeaf;
    }
    return { key, value, type: fromValue(value), structured: false };
  });
}
