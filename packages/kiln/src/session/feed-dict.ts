import { ALL_PARAMETERS, PARAMS_PREFIX } from "../pipeline/index.js";

/**
 * The parameter entries a catalog is fed (Kedro's `feed_dict`): `parameters` with the whole object,
 * and `params:<key>` for every key at every depth (`params:model`, `params:model.alpha`).
 */
export function feedDict(parameters: Record<string, unknown>): Record<string, unknown> {
  const feed: Record<string, unknown> = { [ALL_PARAMETERS]: parameters };
  const walk = (key: string, value: unknown) => {
    feed[`${PARAMS_PREFIX}${key}`] = value;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(`${key}.${k}`, v);
    }
  };
  for (const [k, v] of Object.entries(parameters)) walk(k, v);
  return feed;
}
