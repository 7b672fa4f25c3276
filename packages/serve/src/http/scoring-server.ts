import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { getDefaultLogger, type Logger } from "kiln";
import { type ScoringRequestError, ServeError } from "../errors.js";
import type { LoadedModel } from "../model-types.js";
import { encodePredictions, parseInvocation, readInvocation, requestFormat } from "../protocol/index.js";
import { type BatchingOptions, PredictionBatcher } from "./batcher.js";
import { readBody } from "./read-body.js";
import { asScoringError, predictFailed, send, sendError, serverError } from "./responses.js";
import { serveVersion } from "./serve-version.js";

/** Options of {@link startScoringServer}; the flags of `kiln models serve`. */
export interface ScoringServerOptions {
  /** The model, or its loading: the server listens at once and answers 503 until it is loaded. */
  model: LoadedModel | Promise<LoadedModel>;
  /** Default 127.0.0.1: only this machine can reach the server. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Largest request body in bytes (default 20 MiB); larger ones get 413. */
  bodyLimit?: number;
  /**
   * Milliseconds a request may take, receiving and predicting (default 60,000, MLflow's
   * MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT). A client still sending then gets 408; a prediction
   * still running gets 504, as MLflow answers.
   */
  timeoutMs?: number;
  /** Where the per-request lines (debug) and failures go (default: Kiln's default logger). */
  logger?: Logger;
  /**
   * Dynamic batching (default off): requests waiting together with the same params and columns
   * are predicted in one call of the model and answered each with its own rows' predictions. Only
   * for models that return one prediction per input row (docs/serving.md).
   */
  batch?: BatchingOptions;
}

/** A running scoring server. */
export interface ScoringServer {
  /** `http://host:port`. */
  url: string;
  port: number;
  /** Resolves once the model is loaded (and /health answers 200); rejects if loading failed. */
  ready: Promise<void>;
  /** Requests being answered now. */
  readonly inFlight: number;
  /**
   * Stops accepting connections, lets the requests in flight finish (up to `graceMs`, default the
   * request timeout plus a second), closes the connections and the model.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

export const DEFAULT_BODY_LIMIT = 20 * 2 ** 20;
export const DEFAULT_TIMEOUT_MS = 60_000;

const JSON_TYPE = "application/json";
const ROUTES: Record<string, string> = {
  "/ping": "GET, HEAD",
  "/health": "GET, HEAD",
  "/version": "GET, HEAD",
  "/invocations": "POST",
};

/**
 * Serves a model with MLflow's scoring protocol on node:http: `GET /ping` and `GET /health` (200
 * once the model is loaded, 503 before), `GET /version` (Kiln's version), `POST /invocations`.
 * Every malformed request gets an answer, never a crash; one debug log line per request.
 * @throws ServeError `KILN_SERVE_PORT_IN_USE` when the port is taken.
 * @example const server = await startScoringServer({ model: await loadModel(uri), port: 8080 });
 */
export async function startScoringServer(options: ScoringServerOptions): Promise<ScoringServer> {
  const logger = options.logger ?? getDefaultLogger();
  const host = options.host ?? "127.0.0.1";
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const debug = logger.isEnabled("debug");
  const version = serveVersion();
  let model: LoadedModel | undefined;
  let batcher: PredictionBatcher | undefined;
  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | undefined;

  const ready = Promise.resolve(options.model).then((loaded) => {
    if (options.batch) batcher = new PredictionBatcher(loaded, options.batch, logger);
    model = loaded;
  });
  ready.catch(() => {}); // the caller decides what a failed load means; no unhandled rejection here

  const log = (req: IncomingMessage, res: ServerResponse, started: number) => {
    const ms = (performance.now() - started).toFixed(1);
    const code = res.getHeader("x-kiln-error-code");
    logger.debug(`${req.method} ${req.url} ${res.statusCode} ${ms} ms${code ? ` ${code}` : ""}`);
  };

  /** Runs the model; its own failures become 400s (as MLflow's), with the stack in the log. */
  const modelCall = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      const failed = predictFailed(error);
      if (failed.code === "KILN_SERVE_PREDICT_FAILED") {
        logger.warn(
          `POST /invocations: the model failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
      throw failed;
    }
  };

  const invocations = async (req: IncomingMessage, res: ServerResponse) => {
    const current = model;
    if (current === undefined) {
      throw serverError(
        "TEMPORARILY_UNAVAILABLE",
        503,
        "KILN_SERVE_NOT_READY",
        "The model is still loading.",
        "Wait until GET /health answers 200.",
      );
    }
    requestFormat(req.headers["content-type"]); // a 415 needs no body
    let received = false;
    let answered = false;
    const timer = setTimeout(() => {
      answered = true;
      const error = received
        ? serverError(
            "DEADLINE_EXCEEDED",
            504,
            "KILN_SERVE_TIMEOUT",
            `The prediction took longer than the server's ${timeoutMs / 1000} s limit.`,
            "Send fewer rows per request, or start the server with a larger --timeout.",
          )
        : serverError(
            "BAD_REQUEST",
            408,
            "KILN_SERVE_REQUEST_TIMEOUT",
            `The request body did not arrive within the server's ${timeoutMs / 1000} s limit.`,
          );
      sendError(res, error, { close: true });
    }, timeoutMs);
    try {
      const body = await readBody(req, bodyLimit);
      received = true;
      if (answered) return;
      let answer: string;
      if (batcher) {
        // Checked here, so a bad request is its own 400; the batcher builds one DataFrame per batch.
        const { table, params } = readInvocation(body, req.headers["content-type"], current.signature);
        const queued = batcher;
        answer = await modelCall(() => queued.predict(table, params));
      } else {
        const { input, params } = parseInvocation(body, req.headers["content-type"], current.signature);
        answer = encodePredictions(await modelCall(() => current.predict(input, params)));
      }
      if (answered) return;
      send(res, 200, JSON_TYPE, answer, { close: closing });
    } catch (error) {
      // A client that went away mid-request gets no answer, and is no server failure either.
      if (answered || res.destroyed || req.socket.destroyed) return;
      const scoring = asScoringError(error);
      // After a 413 the rest of the body is unread: close rather than read it.
      sendError(res, scoring, { close: closing || scoring.status === 413 || !received });
    } finally {
      clearTimeout(timer);
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? "GET";
    const allowed = ROUTES[path];
    if (allowed === undefined) {
      throw serverError(
        "ENDPOINT_NOT_FOUND",
        404,
        "KILN_SERVE_NOT_FOUND",
        `No endpoint ${path}.`,
        "The scoring server answers GET /ping, GET /health, GET /version and POST /invocations.",
      );
    }
    if (!allowed.split(", ").includes(method)) {
      res.setHeader("allow", allowed);
      throw serverError(
        "BAD_REQUEST",
        405,
        "KILN_SERVE_METHOD_NOT_ALLOWED",
        `${path} answers ${allowed}, not ${method}.`,
      );
    }
    const head = method === "HEAD";
    if (path === "/invocations") return invocations(req, res);
    if (path === "/version") return send(res, 200, JSON_TYPE, version, { head, close: closing });
    // /ping and /health: MLflow answers a newline once the model is loaded.
    if (model === undefined) {
      throw serverError(
        "TEMPORARILY_UNAVAILABLE",
        503,
        "KILN_SERVE_NOT_READY",
        "The model is still loading.",
      );
    }
    send(res, 200, JSON_TYPE, "\n", { head, close: closing });
  };

  const server: Server = createServer(
    {
      requestTimeout: timeoutMs,
      headersTimeout: Math.min(timeoutMs, 60_000),
      // How often Node checks those timeouts (default 30 s: too coarse for short limits).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeoutMs / 4))),
      keepAliveTimeout: 5_000,
    },
    (req, res) => {
      const started = debug ? performance.now() : 0;
      inFlight++;
      res.on("close", () => {
        inFlight--;
        if (debug) log(req, res, started);
        if (inFlight === 0) drained?.();
      });
      req.on("error", () => {}); // a client that goes away mid-body is handled by readBody
      res.on("error", () => {});
      route(req, res).catch((error) => {
        const scoring: ScoringRequestError = asScoringError(error);
        if (scoring.status >= 500 && scoring.code === "KILN_SERVE_INTERNAL") {
          logger.error(
            `${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : error}`,
          );
        }
        sendError(res, scoring, { close: closing });
      });
    },
  );
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    // Garbage, oversized headers, a slow client: answer if the socket can still take it, then drop it.
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const status =
      error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
    );
  });

  await listen(server, host, options.port ?? 8080);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  let closed: Promise<void> | undefined;
  const close = (closeOptions: { graceMs?: number } = {}) => {
    closed ??= (async () => {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        const grace = closeOptions.graceMs ?? timeoutMs + 1000;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, grace);
          drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      server.closeAllConnections();
      await stopped;
      await ready.then(
        () => model?.close(),
        () => {},
      );
    })();
    return closed;
  };

  return {
    url,
    port,
    ready,
    get inFlight() {
      return inFlight;
    },
    close,
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new ServeError("KILN_SERVE_PORT_IN_USE", `Port ${port} on ${host} is taken.`, {
              hint: `Stop what uses it, or pick another with --port (e.g. --port ${port + 1}).`,
            })
          : error,
      );
    };
    server.once("error", failed);
    server.listen(port, host, () => {
      server.off("error", failed);
      resolve();
    });
  });
}
