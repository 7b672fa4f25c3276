// Query parameters of the viz API, checked: a wrong one is a 400 that names it and says what fits.
import { didYouMean } from "kiln";
import { VizError } from "../errors.js";

/** The largest `limit` a list route takes. */
export const MAX_RUNS_LIMIT = 10_000;

/** A query parameter is wrong: 400 `KILN_VIZ_BAD_QUERY`. */
export function badQuery(message: string, hint: string): VizError {
  return new VizError("KILN_VIZ_BAD_QUERY", message, { hint });
}

/** Refuses query parameters a route does not take, and any taken one given twice. */
export function checkParams(url: URL, allowed: readonly string[], example: string): void {
  for (const name of new Set(url.searchParams.keys())) {
    if (!allowed.includes(name)) {
      const near = didYouMean(name, allowed);
      throw badQuery(
        `${url.pathname} takes no query parameter "${name}".`,
        `${near ? `${near} ` : ""}${allowed.length > 0 ? `It takes ${allowed.join(", ")}, e.g. ${example}.` : "It takes none."}`,
      );
    }
  }
}

/** One value, or undefined; `name=a&name=b` is refused for parameters that are not lists. */
export function single(url: URL, name: string): string | undefined {
  const values = url.searchParams.getAll(name);
  if (values.length > 1)
    throw badQuery(`Query parameter "${name}" is given ${values.length} times.`, `Give ${name} once.`);
  return values[0];
}

/** A comma-separated list, from one or more parameters of that name. */
export function list(url: URL, name: string): string[] {
  return url.searchParams
    .getAll(name)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** `limit`: a whole number from 1 to {@link MAX_RUNS_LIMIT}, or undefined when not given. */
export function parseLimit(text: string | undefined, example: string): number | undefined {
  if (text === undefined) return undefined;
  const limit = Number(text);
  if (!/^\d+$/.test(text.trim()) || limit < 1 || limit > MAX_RUNS_LIMIT)
    throw badQuery(
      `limit must be a whole number from 1 to ${MAX_RUNS_LIMIT}, got "${text}".`,
      `e.g. ${example}`,
    );
  return limit;
}
