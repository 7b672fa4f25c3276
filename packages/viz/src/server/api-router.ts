import { KilnError } from "kiln";
import type { VizProject } from "../api/viz-project.js";
import { VizError } from "../errors.js";

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
]);

/** An error as the API reports it: its code, message and hint; 404 for unknown things, else 500. */
export function errorResponse(error: unknown): ApiResponse {
  if (error instanceof KilnError) {
    return {
      status: NOT_FOUND_CODES.has(error.code) ? 404 : 500,
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

/**
 * Answers one API request (`GET /api/...`) in process, without sockets, so tests call it directly.
 * Routes: `/api/main`, `/api/pipelines/:id`, `/api/nodes/:id?pipeline=P`, `/api/runs?limit=N`.
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
    const parts = url.pathname.split("/").slice(2).map(decodeURIComponent); // after "/api/"
    const [route, id, ...rest] = parts;
    const project = await context.project();
    if (route === "main" && id === undefined) return { status: 200, body: project.graph(context.pipeline) };
    if (route === "pipelines" && id && rest.length === 0) return { status: 200, body: project.graph(id) };
    if (route === "nodes" && id && rest.length === 0) {
      const pipeline = url.searchParams.get("pipeline") ?? context.pipeline;
      return { status: 200, body: await project.nodeDetails(id, { pipeline }) };
    }
    if (route === "runs" && id === undefined) {
      const limit = Number(url.searchParams.get("limit") ?? 20);
      return { status: 200, body: await project.runs(Number.isInteger(limit) && limit > 0 ? limit : 20) };
    }
    throw new VizError("KILN_VIZ_ROUTE_NOT_FOUND", `The viz API has no route ${url.pathname}.`, {
      hint: "Routes: /api/main, /api/pipelines/:id, /api/nodes/:id, /api/runs.",
    });
  } catch (error) {
    return errorResponse(error);
  }
}
