// `/api/experiments/...`: the Experiments view's routes, over the project's tracking store. Every
// query parameter is checked; a wrong one is a 400 naming it.
import { didYouMean } from "kiln";
import type { RunsQuery } from "../api/experiments/experiments-reader.js";
import type { VizProject } from "../api/viz-project.js";
import { VizError } from "../errors.js";

/** Runs one compare may name. */
export const MAX_COMPARED_RUNS = 20;
/** The largest `limit` of `/api/experiments/runs`. */
export const MAX_RUNS_LIMIT = 10_000;

export const EXPERIMENT_ROUTES =
  "/api/experiments, /api/experiments/runs?experiment=&filter=&order_by=&limit=, /api/experiments/runs/:id, /api/experiments/compare?runs=a,b";

function badQuery(message: string, hint: string): VizError {
  return new VizError("KILN_VIZ_BAD_QUERY", message, { hint });
}

/** Refuses query parameters a route does not take, and any taken one given twice. */
function checkParams(url: URL, allowed: readonly string[], example: string): void {
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
function single(url: URL, name: string): string | undefined {
  const values = url.searchParams.getAll(name);
  if (values.length > 1)
    throw badQuery(`Query parameter "${name}" is given ${values.length} times.`, `Give ${name} once.`);
  return values[0];
}

/** A comma-separated list, from one or more parameters of that name. */
function list(url: URL, name: string): string[] {
  return url.searchParams
    .getAll(name)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const limit = Number(text);
  if (!/^\d+$/.test(text.trim()) || limit < 1 || limit > MAX_RUNS_LIMIT)
    throw badQuery(
      `limit must be a whole number from 1 to ${MAX_RUNS_LIMIT}, got "${text}".`,
      "e.g. /api/experiments/runs?limit=50",
    );
  return limit;
}

/**
 * Answers a request under `/api/experiments` (`parts` are the path's parts after it).
 * @throws VizError `KILN_VIZ_BAD_QUERY` (400), `KILN_VIZ_ROUTE_NOT_FOUND`, and the reader's errors.
 */
export async function routeExperiments(
  project: VizProject,
  parts: readonly string[],
  url: URL,
): Promise<unknown> {
  const [what, id, ...rest] = parts;
  if (what === undefined) {
    checkParams(url, [], "");
    return (await project.experiments()).experiments();
  }
  if (what === "runs" && id === undefined) {
    checkParams(
      url,
      ["experiment", "filter", "order_by", "limit"],
      "?filter=metrics.r2 > 0.5&order_by=metrics.r2 DESC",
    );
    const experiments = list(url, "experiment");
    const filter = single(url, "filter");
    const orderBy = single(url, "order_by");
    const limit = parseLimit(single(url, "limit"));
    const query: RunsQuery = {
      ...(experiments.length > 0 ? { experiments } : {}),
      ...(filter !== undefined ? { filter } : {}),
      ...(orderBy !== undefined ? { orderBy } : {}),
      ...(limit !== undefined ? { limit } : {}),
    };
    return (await project.experiments()).runs(query);
  }
  if (what === "runs" && id && rest.length === 0) {
    checkParams(url, [], "");
    return (await project.experiments()).run(id);
  }
  if (what === "compare" && id === undefined) {
    checkParams(url, ["runs"], "?runs=<run id>,<run id>");
    const runs = [...new Set(list(url, "runs"))];
    if (runs.length < 2 || runs.length > MAX_COMPARED_RUNS)
      throw badQuery(
        `compare takes 2 to ${MAX_COMPARED_RUNS} different run ids, got ${runs.length}.`,
        "e.g. /api/experiments/compare?runs=<run id>,<run id> (ids from /api/experiments/runs).",
      );
    return (await project.experiments()).compare(runs);
  }
  throw new VizError("KILN_VIZ_ROUTE_NOT_FOUND", `The viz API has no route ${url.pathname}.`, {
    hint: `Experiment routes: ${EXPERIMENT_ROUTES}.`,
  });
}
