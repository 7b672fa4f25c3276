import { KilnError } from "kiln";
import type { VizProject } from "../api/viz-project.js";
import { VizError } from "../errors.js";
import { EXPERIMENT_ROUTES, routeExperiments } from "./experiments-routes.js";
import { checkParams, parseLimit, single } from "./query-params.js";

/** An API answer before it is written: status and a JSON-ready body (or a string already encoded). */
export interface ApiResponse {
  status: number;
  body: unknown;
}

/** What the router needs from the server: the project as loaded now, and the pipeline to start on. */
export interface ApiContext {
  project: () => Promise<VizProject>;
  /** The pipeline `/api/main` answers with (`--pipeline`, default `__default__`). */
  pipeline: string;
}

const NOT_FOUND_CODES = new Set([
  "KILN_VIZ_NODE_NOT_FOUND",
  "KILN_VIZ_PIPELINE_NOT_FOUND",
  "KILN_VIZ_ROUTE_NOT_FOUND",
  "KILN_VIZ_TRACKING_NOT_INSTALLED",
  "KILN_VIZ_EXPERIMENT_NOT_FOUND",
  "KILN_VIZ_RUN_NOT_FOUND",
]);

/** What the request got wrong: a query parameter, a filter or an order-by that does not parse. */
const BAD_REQUEST_CODES = new Set([
  "KILN_VIZ_BAD_QUERY",
  "KILN_VIZ_AMBIGUOUS_RUN",
  "KILN_TRACKING_BAD_FILTER",
  "KILN_TRACKING_BAD_ORDER_BY",
]);

/** An error as the API reports it: its code, message and hint; 400 for a bad request, 404 for unknown things, else 500. */
export function errorResponse(error: unknown): ApiResponse {
  if (error instanceof KilnError) {
    return {
      status: BAD_REQUEST_CODES.has(error.code) ? 400 : NOT_FOUND_CODES.has(error.code) ? 404 : 500,
      body: {
        error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) },
      },
    };
  }
  return {
    status: 500,
    body: {
      error: {
        code: "KILN_VIZ_INTERNAL",
        message: `The viz server failed: ${error instanceof Error ? error.message : String(error)}`,
        hint: "Run kiln viz --verbose to see the stack in the terminal.",
      },
    },
  };
}

/** A path part, percent-decoded. @throws VizError `KILN_VIZ_BAD_QUERY` for a broken `%` escape. */
function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new VizError("KILN_VIZ_BAD_QUERY", `The path part "${part}" is not valid percent-encoding.`, {
      hint: "Encode ids with encodeURIComponent.",
    });
  }
}

/**
 * Answers one API request (`GET /api/...`) in process, without sockets, so tests call it directly.
 * Routes: `/api/main`, `/api/pipelines/:id`, `/api/nodes/:id?pipeline=P`, `/api/runs?limit=N`, and
 * with tracking `/api/experiments/...` (experiments-routes.ts).
 */
export async function routeApi(context: ApiContext, method: string, url: URL): Promise<ApiResponse> {
  try {
    if (method !== "GET" && method !== "HEAD") {
      return {
        status: 405,
        body: {
          error: {
            code: "KILN_VIZ_METHOD_NOT_ALLOWED",
            message: `${method} ${url.pathname}: the API only reads.`,
          },
        },
      };
    }
    const parts = url.pathname.split("/").slice(2).map(decodePart); // after "/api/"
    const [route, id, ...rest] = parts;
    const project = await context.project();
    if (route === "main" && id === undefined) {
      checkParams(url, [], "");
      return { status: 200, body: project.graph(context.pipeline) };
    }
    if (route === "pipelines" && id && rest.length === 0) {
      checkParams(url, [], "");
      return { status: 200, body: project.graph(id) };
    }
    if (route === "nodes" && id && rest.length === 0) {
      checkParams(url, ["pipeline"], "?pipeline=data_science");
      const pipeline = single(url, "pipeline") ?? context.pipeline;
      return { status: 200, body: await project.nodeDetails(id, { pipeline }) };
    }
    if (route === "runs" && id === undefined) {
      checkParams(url, ["limit"], "?limit=50");
      return {
        status: 200,
        body: await project.runs(parseLimit(single(url, "limit"), "/api/runs?limit=50") ?? 20),
      };
    }
    if (route === "experiments") {
      return { status: 200, body: await routeExperiments(project, parts.slice(1), url) };
    }
    throw new VizError("KILN_VIZ_ROUTE_NOT_FOUND", `The viz API has no route ${url.pathname}.`, {
      hint: `Routes: /api/main, /api/pipelines/:id, /api/nodes/:id, /api/runs, ${EXPERIMENT_ROUTES}.`,
    });
  } catch (error) {
    return errorResponse(error);
  }
}
