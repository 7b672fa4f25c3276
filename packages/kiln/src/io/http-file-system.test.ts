import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IoError } from "../errors/index.js";
import { getFileSystem } from "./get-file-system.js";
import { HttpFileSystem } from "./http-file-system.js";

// Canary secrets: no message, hint or describe() output may ever contain them.
const TOKEN = "tok-CANARY-4f1e";
const PASSWORD = "pw-CANARY-9a2b";

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
    } else if (url.pathname === "/secure.csv") {
      const ok = [`Bearer ${TOKEN}`, `Basic ${Buffer.from(`me:${PASSWORD}`).toString("base64")}`];
      if (ok.includes(req.headers.authorization ?? "")) res.writeHead(200).end("secret,data\n");
      else res.writeHead(401).end();
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
      hint: expect.stringContaining("refused the credentials sent"), // it sends an Authorization header
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

  it("sends credentials: token as Bearer, username/password as Basic, headers merged over fs_args.headers", async () => {
    const secure = `${base}/secure.csv`;
    const bearer = await getFileSystem(secure, { credentials: { token: TOKEN } });
    expect(new TextDecoder().decode(await bearer.read(secure))).toBe("secret,data\n");
    expect(lastHeaders.authorization).toBe(`Bearer ${TOKEN}`);
    const basic = await getFileSystem(secure, { credentials: { username: "me", password: PASSWORD } });
    expect(await basic.exists(secure)).toBe(true);
    expect(lastHeaders.authorization).toBe(`Basic ${Buffer.from(`me:${PASSWORD}`).toString("base64")}`);
    // The credentials' Authorization wins over one in fs_args, whatever its case; other headers merge.
    const merged = await getFileSystem(secure, {
      fsArgs: { headers: { authorization: "Bearer stale", Accept: "text/csv", "X-Team": "a" } },
      credentials: { token: TOKEN, headers: { "X-Team": "b", "X-Api-Key": "k" } },
    });
    await merged.read(secure);
    expect(lastHeaders).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      accept: "text/csv",
      "x-team": "b",
      "x-api-key": "k",
    });
  });

  it("says whether a 401 came with credentials or without, never showing them", async () => {
    const secure = `${base}/secure.csv`;
    const without = await new HttpFileSystem({ protocol: "http" }).read(secure).catch((e: IoError) => e);
    expect(without).toMatchObject({
      code: "KILN_IO_HTTP_STATUS",
      message: `${secure} answered HTTP 401 Unauthorized.`,
      hint: expect.stringContaining("give the entry `credentials:`"),
    });
    const wrong = (await new HttpFileSystem({
      protocol: "http",
      credentials: { username: "me", password: `${PASSWORD}-wrong` },
    })
      .read(secure)
      .catch((e: IoError) => e)) as IoError;
    expect(wrong).toMatchObject({
      code: "KILN_IO_HTTP_STATUS",
      hint: expect.stringContaining("refused the credentials sent"),
    });
    expect(`${wrong.message} ${wrong.hint} ${String(wrong.stack)}`).not.toContain(PASSWORD);
    const inUrl = (await new HttpFileSystem({ protocol: "http" })
      .read(secure.replace("//", `//me:${PASSWORD}-wrong@`))
      .catch((e: IoError) => e)) as IoError;
    expect(inUrl.hint).toContain("refused the credentials sent");
    expect(`${inUrl.message} ${inUrl.hint}`).not.toContain(PASSWORD);
  });

  it("refuses credentials of the wrong shape, naming keys but never values", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ tokn: TOKEN }, 'HTTP credentials: unknown key "tokn".'],
      [{ token: 42 }, "HTTP credentials: `token` must be a string."],
      [{ password: PASSWORD }, "HTTP credentials: `password` without `username`."],
      [{ token: TOKEN, username: "me", password: PASSWORD }, "HTTP credentials: both `token` and `username`"],
      [{ headers: { "X-Api-Key": 1 } }, "HTTP credentials: `headers` must map header names to strings."],
    ];
    for (const [credentials, message] of cases) {
      const error = (await getFileSystem(`${base}/x`, { credentials }).catch((e: IoError) => e)) as IoError;
      expect(error).toMatchObject({ code: "KILN_IO_BAD_OPTION", message: expect.stringContaining(message) });
      expect(error.hint).toContain("`token` (sent as Authorization: Bearer)");
      expect(`${error.message} ${error.hint}`).not.toMatch(/CANARY/);
    }
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
    const headers = (await getFileSystem(`${base}/x`, { fsArgs: { headers: { a: 1 } } }).catch(
      (e: IoError) => e,
    )) as IoError;
    expect(headers).toMatchObject({
      code: "KILN_IO_BAD_OPTION",
      message: "fs_args.headers must map names to strings.",
    });
    // The hint points secrets at credentials.yml, and names no resolver that does not exist.
    expect(headers.hint).toContain("put them in credentials.yml and name that entry with `credentials:`");
    expect(headers.hint).not.toContain("${");
  });
});
