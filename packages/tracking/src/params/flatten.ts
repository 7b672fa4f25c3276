import { TrackingError } from "../errors.js";

/** How nested parameters become keys. */
export interface FlattenOptions {
  /** False: one key per top-level parameter, nested values as JSON. */
  flatten: boolean;
  separator: string;
  /** Levels flattened; deeper mappings are stored as JSON. Null: all. */
  maxDepth: number | null;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
}

/** A parameter value as stored: text as it is, numbers and booleans as written, the rest as JSON. */
export function paramText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? String(value);
}

/**
 * Nested parameters as `[key, text]` pairs, keys joined by `separator` (`model_options.test_size`),
 * sorted by key. Lists are one value (JSON), as are mappings below `maxDepth`; an empty mapping is
 * kept as `{}`.
 * @example flattenParams({ a: { b: 1, c: [1, 2] } }, { flatten: true, separator: ".", maxDepth: null })
 * // [["a.b", "1"], ["a.c", "[1,2]"]]
 */
export function flattenParams(
  params: Record<string, unknown>,
  options: FlattenOptions,
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const limit = options.flatten ? (options.maxDepth ?? Number.POSITIVE_INFINITY) : 0;
  const walk = (value: unknown, key: string, depth: number) => {
    if (value === undefined) return;
    if (isMapping(value) && depth < limit && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, `${key}${options.separator}${k}`, depth + 1);
      return;
    }
    out.push([key, paramText(value)]);
  };
  for (const [k, v] of Object.entries(params)) walk(v, k, 0);
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What a value that is too long becomes: cut to `maxLength`, or an error. */
export interface LengthPolicy {
  longValues: "truncate" | "fail";
  maxLength: number;
}

/**
 * `value` within `policy.maxLength`: cut (calling `warn` with what was cut) or refused.
 * @throws TrackingError `KILN_TRACKING_VALUE_TOO_LONG` with `long_values: fail`.
 */
export function limitLength(
  what: string,
  key: string,
  value: string,
  policy: LengthPolicy,
  warn: (message: string) => void,
): string {
  if (value.length <= policy.maxLength) return value;
  if (policy.longValues === "fail") {
    throw new TrackingError(
      "KILN_TRACKING_VALUE_TOO_LONG",
      `The ${what} "${key}" is ${value.length} characters long; tracking keeps at most ${policy.maxLength} (params.max_length).`,
      {
        hint: "Raise params.max_length in tracking.yml, set params.long_values: truncate, or log the value as an artifact (tracking.ArtifactDataset) instead.",
      },
    );
  }
  warn(
    `The ${what} "${key}" is ${value.length} characters long; tracking keeps its first ${policy.maxLength} (params.max_length, params.long_values: truncate).`,
  );
  return value.slice(0, policy.maxLength);
}
