import type { z } from "zod";
import { ConfigError } from "../errors/index.js";
import type { ConfigDocument } from "./config-document.js";
import { type ConfigLocation, formatLocation } from "./location.js";
import { formatPath, getAt, type PathSegment, typeName } from "./object-path.js";

/** Options of `validateParameters`. */
export interface ValidateParametersOptions {
  /** The path of the parameters the schema describes (e.g. `["model_options"]`); the whole document by default. */
  prefix?: readonly string[];
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Where a problem is: the value's own location, or its nearest parent's when the key is missing. */
function where(doc: ConfigDocument, path: readonly PathSegment[]): string {
  const own = doc.locate(path);
  if (own) return `at ${formatLocation(own)}`;
  for (let i = path.length - 1; i > 0; i--) {
    const parent = doc.locate(path.slice(0, i));
    if (parent) return `not set; "${formatPath(path.slice(0, i))}" is at ${formatLocation(parent)}`;
  }
  return "not set in any parameters file";
}

interface Problem {
  text: string;
  location: ConfigLocation | undefined;
}

function describeIssue(doc: ConfigDocument, issue: z.core.$ZodIssue, prefix: readonly string[]): Problem[] {
  const path = [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      text: `${formatPath([...path, key])}: unexpected key, not in the schema (${where(doc, [...path, key])})`,
      location: doc.locate([...path, key]),
    }));
  }
  const actual = getAt(doc.value, path);
  const key = formatPath(path) || "(parameters)";
  let what: string;
  if (!actual.found)
    what = `missing (${issue.code === "invalid_type" ? `expected ${issue.expected}` : issue.message})`;
  else if (issue.code === "invalid_type")
    what = `expected ${issue.expected}, received ${typeName(actual.value)} ${preview(actual.value)}`;
  else what = `${issue.message}, received ${preview(actual.value)}`;
  return [{ text: `${key}: ${what} (${where(doc, path)})`, location: doc.locate(path) }];
}

/**
 * Checks parameters against a zod schema and returns the parsed value. Unlike Kedro, a typo or a
 * wrong type fails before the run, with every problem at once.
 *
 * @example const options = validateParameters(params, z.object({ test_size: z.number() }), { prefix: ["model_options"] });
 * @throws ConfigError `KILN_CONFIG_INVALID_PARAMETERS` listing each issue: dotted key, expected vs
 *   received, and the file:line:column where the value was set (or its parent, for a missing key).
 */
export function validateParameters<S extends z.ZodType>(
  doc: ConfigDocument,
  schema: S,
  options: ValidateParametersOptions = {},
): z.output<S> {
  const prefix = options.prefix ?? [];
  const result = schema.safeParse(prefix.length ? getAt(doc.value, prefix).value : doc.value);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => describeIssue(doc, issue, prefix));
  const scope = prefix.length ? ` "${formatPath(prefix)}"` : "";
  const first = problems.find((p) => p.location)?.location;
  throw new ConfigError(
    "KILN_CONFIG_INVALID_PARAMETERS",
    `Parameters${scope} do not match the schema (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems
      .map((p) => `  - ${p.text}`)
      .join("\n")}`,
    {
      hint: "Fix the values at the places shown (or override one for a run with --params key=value), or change the schema.",
      ...(first ? { location: first } : {}),
    },
  );
}
