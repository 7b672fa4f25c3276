// The server on a real port of 127.0.0.1, in process: the page, the API, what it refuses.
import { get } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copySpaceflights, type SpaceflightsCopy } from "../../../../test/support/spaceflights-copy.js";
import { startVizServer, type VizServer } from "./viz-server.js";

let copy: SpaceflightsCopy;
let server: VizServer;

/** A GET with any Host header (fetch will not send one of its own choosing). */
function request(path: string, host: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port: server.port, path, headers: { host } }, (res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode!, body, type: String(res.headers["content-type"]) }),
      );
    }).on("error", reject);
  });
}

beforeAll(async () => {
  copy = await copySpaceflights();
  server = await startVizServer({ projectPath: copy.root, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await copy?.remove();
});

describe("the viz server", () => {
  it("listens on 127.0.0.1 and serves the page, its assets and the API", async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const page = await fetch(server.url);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(new URL(script, server.url));
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const main = await fetch(new URL("api/main", server.url));
    expect(main.status).toBe(200);
    expect(((await main.json()) as { project: string }).project).toBe("spaceflights");
    const missing = await fetch(new URL("api/nodes/task%3Anope", server.url));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe(
      "KILN_VIZ_NODE_NOT_FOUND",
    );
  });

  it("answers any other path with the page, never a file outside the app", async () => {
    for (const path of ["/some/view?pipeline=x", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/package.json"]) {
      const answer = await request(path, `127.0.0.1:${server.port}`);
      expect(answer.status, path).toBe(200);
      expect(answer.body, path).toContain('<div id="root"></div>');
    }
  });

  it("refuses requests addressed to another host name (DNS rebinding)", async () => {
    const refused = await request("/api/main", "attacker.example:4141");
    expect(refused.status).toBe(403);
    expect((await request("/api/main", `localhost:${server.port}`)).status).toBe(200);
  });

  it("opens an event stream for autoreload", async () => {
    const first = await new Promise<string>((resolve, reject) => {
      get(new URL("api/events", server.url), (res) => {
        expect(res.headers["content-type"]).toBe("text/event-stream");
        res.once("data", (chunk) => {
          resolve(String(chunk));
          res.destroy();
        });
      }).on("error", reject);
    });
    expect(first).toBe('event: hello\ndata: {"autoreload":false}\n\n');
  });

  it("reports a busy port with the flag that picks another", async () => {
    const error = await startVizServer({ projectPath: copy.root, port: server.port }).catch((e) => e);
    expect(error.code).toBe("KILN_VIZ_PORT_IN_USE");
    expect(error.message).toBe(`Port ${server.port} on 127.0.0.1 is already in use.`);
    expect(error.hint).toContain(`--port ${server.port + 1}`);
  });

  it("refuses to start on a pipeline the project does not have", async () => {
    const error = await startVizServer({ projectPath: copy.root, port: 0, pipeline: "data_sciense" }).catch(
      (e) => e,
    );
    expect(error.code).toBe("KILN_VIZ_PIPELINE_NOT_FOUND");
    expect(error.hint).toContain('"data_science"');
  });
});
