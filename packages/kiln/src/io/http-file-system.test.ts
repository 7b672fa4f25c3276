import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IoError } from "../errors/index.js";
import { getFileSystem } from "./get-file-system.js";
import { HttpFileSystem } from "./http-file-system.js";

let server: Server;
let base: string;
let lastHeaders: IncomingHttpHeaders = {};
const methods: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    methods.push(`${req.method} ${req.url}`);
    lastHeaders = req.headers;
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/data.csv") {
      res
        .writeHead(200, { "content-type": "text/csv" })
        .end(req.method === "HEAD" ? undefined : "a,b\n1,2\n");
    } else if (url.pathname === "/boom") {
      res.writeHead(500).end("internal");
    } else if (url.pathname === "/private") {
      res.writeHead(401).end();
    } else if (url.pathname === "/slow") {
      setTimeout(() => res.writeHead(200).end("late"), 2000).unref();
    } else if (url.pathname === "/no-head.csv") {
      if (req.method === "HEAD") res.writeHead(405).end();
      else res.writeHead(200).end("x");
    } else {
      res.writeHead(404).end("not here");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const fs = new HttpFileSystem({ protocol: "http", headers: { Authorization: "Bearer t0k" }, timeout: 5000 });

describe("HttpFileSystem", () => {
  it("reads a URL and sends the configured headers", async () => {
    expect(new TextDecoder().decode(await fs.read(`${base}/data.csv`))).toBe("a,b\n1,2\n");
    expect(lastHeaders.authorization).toBe("Bearer t0k");
  });

  it("maps 404 to KILN_IO_NOT_FOUND and other statuses to KILN_IO_HTTP_STATUS naming URL and status", async () => {
    await expect(fs.read(`${base}/missing.csv`)).rejects.toMatchObject({
      code: "KILN_IO_NOT_FOUND",
      message: expect.stringContaining(`${base}/missing.csv`),
    });
    const error = (await fs.read(`${base}/boom`).catch((e: unknown) => e)) as IoError;
    expect(error).toBeInstanceOf(IoError);
    expect(error.code).toBe("KILN_IO_HTTP_STATUS");
    expect(error.message).toContain(`${base}/boom`);
    expect(error.message).toContain("500");
    await expect(fs.read(`${base}/private`)).rejects.toMatchObject({
      code: "KILN_IO_HTTP_STATUS",
      hint: expect.stringContaining("fs_args.headers"),
    });
  });

  it("sends user:password@ as Basic auth and hides it and query values in messages", async () => {
    const plain = new HttpFileSystem({ protocol: "http" });
    expect(await plain.exists(`${base.replace("//", "//me:pa55word@")}/data.csv`)).toBe(true);
    expect(lastHeaders.authorization).toBe(`Basic ${Buffer.from("me:pa55word").toString("base64")}`);
    const url = `${base.replace("//", "//me:pa55word@")}/missing.csv?sig=s3cret`;
    const error = (await plain.read(url).catch((e: unknown) => e)) as IoError;
    expect(error.code).toBe("KILN_IO_NOT_FOUND");
    expect(error.message).not.toContain("pa55word");
    expect(error.message).not.toContain("s3cret");
    expect(error.message).toContain("sig=***");
  });

  it("times out after fs_args.timeout milliseconds", async () => {
    const quick = await getFileSystem(`${base}/slow`, { fsArgs: { timeout: 200 } });
    const started = Date.now();
    await expect(quick.read(`${base}/slow`)).rejects.toMatchObject({
      code: "KILN_IO_TIMEOUT",
      hint: expect.stringContaining("fs_args.timeout"),
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("reports a refused connection as KILN_IO_NETWORK", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(fs.read(`http://127.0.0.1:${port}/x`)).rejects.toMatchObject({
      code: "KILN_IO_NETWORK",
      message: expect.stringContaining("ECONNREFUSED"),
    });
  });

  it("checks existence with HEAD, falling back to GET on 405", async () => {
    methods.length = 0;
    expect(await fs.exists(`${base}/data.csv`)).toBe(true);
    expect(await fs.exists(`${base}/missing.csv`)).toBe(false);
    expect(methods).toEqual(["HEAD /data.csv", "HEAD /missing.csv"]);
    methods.length = 0;
    expect(await fs.exists(`${base}/no-head.csv`)).toBe(true);
    expect(methods).toEqual(["HEAD /no-head.csv", "GET /no-head.csv"]);
    await expect(fs.exists(`${base}/boom`)).rejects.toMatchObject({ code: "KILN_IO_HTTP_STATUS" });
  });

  it("is read-only and cannot list", async () => {
    expect(fs.writable).toBe(false);
    await expect(fs.write(`${base}/x`, "x")).rejects.toMatchObject({
      code: "KILN_IO_READ_ONLY",
      hint: expect.stringContaining("local path"),
    });
    await expect(fs.writeExclusive(`${base}/x`, "x")).rejects.toMatchObject({ code: "KILN_IO_READ_ONLY" });
    await expect(fs.remove(`${base}/x`)).rejects.toMatchObject({ code: "KILN_IO_READ_ONLY" });
    await expect(fs.list(`${base}/`)).rejects.toMatchObject({ code: "KILN_IO_UNSUPPORTED" });
    await expect(fs.walk(`${base}/`)).rejects.toMatchObject({ code: "KILN_IO_UNSUPPORTED" });
  });

  it("refuses a bad timeout or headers", async () => {
    await expect(getFileSystem(`${base}/x`, { fsArgs: { timeout: -1 } })).rejects.toMatchObject({
      code: "KILN_IO_BAD_OPTION",
    });
    await expect(getFileSystem(`${base}/x`, { fsArgs: { headers: { a: 1 } } })).rejects.toMatchObject({
      code: "KILN_IO_BAD_OPTION",
    });
  });
});
