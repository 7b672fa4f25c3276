import { watch } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, sep } from "node:path";
import { getDefaultLogger, type Logger } from "kiln";
import { VizProject } from "../api/viz-project.js";
import { VizError } from "../errors.js";
import { type ApiResponse, errorResponse, routeApi } from "./api-router.js";
import { appFolder, contentType, readAppFile } from "./static-files.js";

/** Options of {@link startVizServer}; the flags of `kiln viz`. */
export interface VizServerOptions {
  /** A folder inside the project (default: the working directory). */
  projectPath?: string;
  env?: string;
  /** Default 127.0.0.1: only this machine can reach the page. */
  host?: string;
  /** Default 4141; 0 picks a free port. */
  port?: number;
  /** The pipeline the page opens on (default `__default__`). */
  pipeline?: string;
  /** Watch the project's code and config and tell open pages to reload. */
  autoreload?: boolean;
  logger?: Logger;
}

/** A running viz server. */
export interface VizServer {
  /** `http://host:port/`. */
  url: string;
  port: number;
  /** Stops watching, closes open event streams and the server, and closes the project. */
  close(): Promise<void>;
  /** Loads the project again and tells open pages (what autoreload does on a change). */
  reload(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** The host name of a Host header (`[::1]:4141` → `[::1]`). */
const hostName = (header: string | undefined) => (header ?? "").replace(/:\d+$/, "").toLowerCase();

/**
 * Starts the viz: the JSON API over the project and the prebuilt React app, on 127.0.0.1:4141 by
 * default. With `autoreload`, changes under the project's source folder and conf are pushed to open
 * pages as server-sent events (`/api/events`).
 * @throws VizError `KILN_VIZ_PORT_IN_USE`, `KILN_VIZ_APP_MISSING`, or the project's own errors.
 */
export async function startVizServer(options: VizServerOptions = {}): Promise<VizServer> {
  const logger = options.logger ?? getDefaultLogger();
  const host = options.host ?? "127.0.0.1";
  const app = appFolder();
  let current = VizProject.open({
    ...(options.projectPath ? { projectPath: options.projectPath } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const first = await current; // fail now, before listening, on a project that does not load
  const pipeline = options.pipeline ?? "__default__";
  first.pipeline(pipeline);
  const context = { project: () => current, pipeline };
  const streams = new Set<ServerResponse>();
  const serialized = new WeakMap<object, string>();
  // The opening pipeline's graph and its JSON are made now, so the page's first request is a copy.
  const warm = (project: VizProject) => {
    const graph = project.graph(pipeline);
    serialized.set(graph, JSON.stringify(graph));
  };
  warm(first);

  const send = (res: ServerResponse, { status, body }: ApiResponse, head: boolean) => {
    let text = typeof body === "object" && body !== null ? serialized.get(body) : undefined;
    if (text === undefined) {
      text = JSON.stringify(body);
      // Graphs are cached by the project, so the same object comes back: keep its JSON too.
      if (typeof body === "object" && body !== null && status === 200) serialized.set(body, text);
    }
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
      "cache-control": "no-store",
    });
    res.end(head ? undefined : text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // A page elsewhere must not read the project through a name that points here (DNS rebinding).
    if (LOOPBACK.has(host) && !LOOPBACK.has(hostName(req.headers.host))) {
      res.writeHead(403, { "content-type": "text/plain" }).end("Forbidden host");
      return;
    }
    const url = new URL(req.url ?? "/", "http://viz.local");
    const head = req.method === "HEAD";
    if (url.pathname === "/api/events") {
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        connection: "keep-alive",
      });
      res.write(`event: hello\ndata: ${JSON.stringify({ autoreload: Boolean(options.autoreload) })}\n\n`);
      streams.add(res);
      req.on("close", () => streams.delete(res));
      return;
    }
    if (url.pathname === "/api" || url.pathname.startsWith("/api/")) {
      send(res, await routeApi(context, req.method ?? "GET", url), head);
      return;
    }
    if (req.method !== "GET" && !head) {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const { file, body } = await readAppFile(app, url.pathname);
    res.writeHead(200, {
      "content-type": contentType(file),
      "content-length": body.length,
      // Built asset names carry a content hash; the page itself is always revalidated.
      "cache-control": file.includes(`${sep}assets${sep}`) ? "max-age=31536000, immutable" : "no-cache",
    });
    res.end(head ? undefined : body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      logger.error(`viz: ${req.method} ${req.url} failed: ${error instanceof Error ? error.message : error}`);
      if (!res.headersSent) send(res, errorResponse(error), false);
      else res.end();
    });
  });
  await listen(server, host, options.port ?? 4141);
  const port = (server.address() as AddressInfo).port;

  const broadcast = (event: string, data: unknown) => {
    for (const res of streams) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  let reloading: Promise<void> = Promise.resolve();
  const reload = () => {
    reloading = reloading.then(async () => {
      const previous = await current.catch(() => undefined);
      const next = VizProject.open({
        projectPath: first.root,
        ...(options.env ? { env: options.env } : {}),
        reimport: true,
      });
      try {
        warm(await next);
        current = next;
        await previous?.close();
        logger.info("viz: project reloaded");
        broadcast("reload", { at: new Date().toISOString() });
      } catch (error) {
        const reported = errorResponse(error).body as { error: unknown };
        logger.warn(`viz: reload failed: ${error instanceof Error ? error.message : error}`);
        broadcast("reload-error", reported.error);
      }
    });
    return reloading;
  };

  const watchers: { close(): void }[] = [];
  if (options.autoreload) {
    let timer: NodeJS.Timeout | undefined;
    const changed = (file: string | null) => {
      if (file && /(^|[/\\])(\.kiln|node_modules|\.git)([/\\]|$)/.test(file)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 250);
    };
    for (const folder of [join(first.root, first.sourceDir), first.confSource]) {
      try {
        watchers.push(watch(folder, { recursive: true }, (_event, file) => changed(file)));
      } catch (error) {
        logger.warn(`viz: cannot watch ${folder}: ${error instanceof Error ? error.message : error}`);
      }
    }
    watchers.push({ close: () => clearTimeout(timer) });
  }

  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;
  return {
    url,
    port,
    reload,
    close: async () => {
      for (const w of watchers) w.close();
      for (const res of streams) res.end();
      streams.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await reloading;
      await (await current.catch(() => undefined))?.close();
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(
          new VizError("KILN_VIZ_PORT_IN_USE", `Port ${port} on ${host} is already in use.`, {
            hint: `Stop what listens there, or pick another port: kiln viz --port ${port + 1}.`,
          }),
        );
      } else reject(error);
    };
    server.once("error", failed);
    server.listen(port, host, () => {
      server.off("error", failed);
      resolve();
    });
  });
}
