// The catalog over HTTP for real: a server on 127.0.0.1 that wants credentials, named in the catalog.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../logging/index.js";
import { createCatalog } from "./catalog-from-config.js";

const CANARY = "http-catalog-CANARY-token";
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${CANARY}`) res.writeHead(401).end();
    else res.writeHead(200, { "content-type": "application/json" }).end('{"rows":[1,2]}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("catalog on HTTP", () => {
  it("reads with the credentials an entry names, and never shows them", async () => {
    const catalog = await createCatalog({
      logger: createLogger({ level: "silent" }),
      catalog: {
        remote: { type: "json.JSONDataset", filepath: `${base}/remote.json`, credentials: "api" },
        "{name}_remote": { type: "json.JSONDataset", filepath: `${base}/{name}.json`, credentials: "api" },
        anonymous: { type: "json.JSONDataset", filepath: `${base}/anonymous.json` },
        wrong: { type: "json.JSONDataset", filepath: `${base}/wrong.json`, credentials: "stale" },
      },
      credentials: { api: { token: CANARY }, stale: { token: `${CANARY}-old` } },
    });
    expect(await catalog.load("remote")).toEqual({ rows: [1, 2] });
    expect(await catalog.load("weather_remote")).toEqual({ rows: [1, 2] });
    expect(JSON.stringify(catalog.describe())).not.toContain(CANARY);
    const anonymous = (await catalog.load("anonymous").catch((e: unknown) => e)) as Error & { hint: string };
    expect(anonymous).toMatchObject({
      code: "KILN_IO_HTTP_STATUS",
      hint: expect.stringContaining("`credentials:`"),
    });
    const wrong = (await catalog.load("wrong").catch((e: unknown) => e)) as Error & { hint: string };
    expect(wrong).toMatchObject({
      code: "KILN_IO_HTTP_STATUS",
      message: expect.stringContaining('Could not load dataset "wrong" (JSONDataset)'),
      hint: expect.stringContaining("refused the credentials sent"),
    });
    expect(`${wrong.message} ${wrong.hint} ${wrong.stack}`).not.toContain(CANARY);
  });
});
