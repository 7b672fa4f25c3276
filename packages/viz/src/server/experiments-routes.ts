// `/api/experiments/...`: the Experiments view's routes, over the project's tracking store. Every
// query parameter is checked; a wrong one is a 400 naming it.
import type { RunsQuery } from "../api/experiments/experiments-reader.js";
import type { VizProject } from "../api/viz-project.js";
import { VizError } from "../errors.js";
import { badQuery, checkParams, list, parseLimit, single } from "./query-params.js";

/** Runs one compare may name. */
export const MAX_COMPARED_RUNS = 20;

export const EXPERIMENT_ROUTES =
  "/api/experiments, /api/experiments/runs?experiment=&filter=&order_by=&limit=, /api/experiments/runs/:id, /api/experiments/compare?runs=a,b";

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
    const limit = parseLimit(single(url, "limit"), "/api/experiments/runs?limit=50");
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
