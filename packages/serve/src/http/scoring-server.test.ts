import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { LoadedModel } from "../model-types.js";
import { createLinearModel } from "../testing/linear-model.js";
import { type ScoringServer, type ScoringServerOptions, startScoringServer } from "./scoring-server.js";

const servers: ScoringServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 0 })));
});

async function serve(options: Partial<ScoringServerOptions> = {}): Promise<ScoringServer> {
  const server = await startScoringServer({ model: createLinearModel(), port: 0, ...options });
  servers.push(server);
  return server;
}

async function invoke(server: ScoringServer, body: unknown, type = "application/json") {
  const res = await fetch(`${server.url}/invocations`, {
    method: "POST",
    headers: { "content-type": type },
    body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    code: res.headers.get("x-kiln-error-code"),
    text,
    json: () => JSON.parse(text),
  };
}

/** Writes raw bytes on a fresh connection and returns what the server sent back before closing. */
function raw(server: ScoringServer, data: string | Buffer, { wait = 2000 } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(server.port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve(received));
    socket.write(data);
    setTimeout(() => socket.destroy(), wait);
  });
}

const ROW = { engines: 2, passenger_capacity: 100, crew: 4 };
const PRICE = 1000 * 2 + 20 * 100 + 5 * 4 + 100;

describe("scoring server: MLflow's endpoints", () => {
  it("GET /ping and /health answer a newline once loaded, 503 before; /version Kiln's version", async () => {
    let load!: (model: LoadedModel) => void;
    const server = await serve({ model: new Promise((resolve) => (load = resolve)) });
    const early = await fetch(`${server.url}/health`);
    expect(early.status).toBe(503);
    expect(await early.json()).toMatchObject({ error_code: "TEMPORARILY_UNAVAILABLE" });
    expect((await invoke(server, { dataframe_records: [ROW] })).status).toBe(503);
    load(createLinearModel());
    await server.ready;
    for (const path of ["/ping", "/health"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(await res.text()).toBe("\n");
    }
    const version = await fetch(`${server.url}/version`);
    expect(await version.text()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("404 for another path, 405 with Allow for another method", async () => {
    const server = await serve();
    const missing = await fetch(`${server.url}/predict`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_code: "ENDPOINT_NOT_FOUND" });
    const wrong = await fetch(`${server.url}/invocations`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
  });
});

describe("scoring server: POST /invocations", () => {
  it.each([
    ["dataframe_split", { dataframe_split: { columns: Object.keys(ROW), data: [Object.values(ROW)] } }],
    ["dataframe_records", { dataframe_records: [ROW] }],
    ["instances", { instances: [ROW] }],
    ["inputs", { inputs: { engines: [2], passenger_capacity: [100], crew: [4] } }],
  ])("%s → predictions", async (_name, request) => {
    const res = await invoke(await serve(), request);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ predictions: [{ price: PRICE }] });
  });

  it("text/csv → predictions; a Series model answers a plain list", async () => {
    const server = await serve({ model: createLinearModel({ output: "series" }) });
    const res = await invoke(
      server,
      "engines,passenger_capacity,crew\n2,100,4\n1,0,\n",
      "text/csv; charset=utf-8",
    );
    expect(res.json()).toEqual({ predictions: [PRICE, 1100] });
  });

  it("params override the model's defaults per request; an unknown one is a 400", async () => {
    const server = await serve();
    const scaled = await invoke(server, { dataframe_records: [ROW], params: { scale: 2 } });
    expect(scaled.json()).toEqual({ predictions: [{ price: 2 * (PRICE - 100) + 100 }] });
    const unknown = await invoke(server, { dataframe_records: [ROW], params: { scael: 2 } });
    expect(unknown.status).toBe(400);
    expect(unknown.code).toBe("KILN_SERVE_UNKNOWN_PARAM");
    expect(unknown.json()).toEqual({
      error_code: "BAD_REQUEST",
      message: expect.stringContaining('"scale"'),
    });
  });

  it("415 (plain text, as MLflow) for other content types", async () => {
    const res = await invoke(await serve(), "a=1", "application/x-www-form-urlencoded");
    expect(res.status).toBe(415);
    expect(res.text).toContain("application/json and text/csv");
  });

  it.each([
    ["invalid JSON", "{", "KILN_SERVE_BAD_JSON"],
    ["two layouts", { dataframe_records: [ROW], inputs: {} }, "KILN_SERVE_BAD_FORMAT"],
    ["a missing column", { dataframe_records: [{ engines: 1 }] }, "KILN_SERVE_MISSING_COLUMN"],
    ["a wrong type", { dataframe_records: [{ ...ROW, engines: "x" }] }, "KILN_SERVE_BAD_COLUMN_TYPE"],
    ["a wrong param", { dataframe_records: [ROW], params: { scale: "x" } }, "KILN_SERVE_BAD_PARAM"],
    ["bad UTF-8", Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), "KILN_SERVE_BAD_ENCODING"],
  ])("400 BAD_REQUEST for %s", async (_name, body, code) => {
    const res = await invoke(await serve(), body);
    expect(res.status).toBe(400);
    expect(res.code).toBe(code);
    expect(res.json()).toEqual({ error_code: "BAD_REQUEST", message: expect.any(String) });
  });

  it("400 when the model itself throws, as MLflow answers", async () => {
    const failing: LoadedModel = {
      ...createLinearModel(),
      predict: async () => {
        throw new Error("boom");
      },
    };
    const res = await invoke(await serve({ model: failing }), { dataframe_records: [ROW] });
    expect(res.status).toBe(400);
    expect(res.code).toBe("KILN_SERVE_PREDICT_FAILED");
    expect(res.json().message).toContain("boom");
  });
});

describe("scoring server: limits and malformed input", () => {
  it("413 for a body over the limit, declared or streamed", async () => {
    const server = await serve({ bodyLimit: 1024 });
    const big = JSON.stringify({ dataframe_records: Array.from({ length: 100 }, () => ROW) });
    const res = await invoke(server, big);
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ error_code: "REQUEST_LIMIT_EXCEEDED" });
    const chunked = await raw(
      server,
      `POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${(2000).toString(16)}\r\n${"x".repeat(2000)}\r\n`,
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 413/);
    expect((await invoke(server, { dataframe_records: [ROW] })).status).toBe(200);
  });

  it("504 when the prediction outlasts the timeout; 408 when the body does", async () => {
    const server = await serve({ timeoutMs: 300 });
    const slow = await invoke(server, { dataframe_records: [ROW], params: { delay_ms: 1000 } });
    expect(slow.status).toBe(504);
    expect(slow.json()).toMatchObject({ error_code: "DEADLINE_EXCEEDED" });
    const stalled = await raw(
      server,
      "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    expect(stalled).toMatch(/^HTTP\/1\.1 408/);
  });

  it("answers garbage, oversized headers and a slow client, and keeps serving", async () => {
    const server = await serve({ timeoutMs: 500 });
    expect(await raw(server, "GARBAGE\r\n\r\n")).toMatch(/^HTTP\/1\.1 400/);
    expect(
      await raw(server, `GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`),
    ).toMatch(/^HTTP\/1\.1 431/);
    // Slowloris: headers that never end are cut off.
    const slowloris = await raw(server, "GET /ping HTTP/1.1\r\nHost: x\r\n", { wait: 3000 });
    expect(slowloris === "" || /^HTTP\/1\.1 408/.test(slowloris)).toBe(true);
    expect(await raw(server, Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10]))).toMatch(/^HTTP\/1\.1 400/);
    // A client that leaves halfway through its body gets nothing, and the server goes on.
    const partial =
      "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99\r\n\r\n{";
    expect(await raw(server, partial, { wait: 100 })).toBe("");
    expect((await invoke(server, { dataframe_records: [ROW] })).status).toBe(200);
  });
});

describe("scoring server: close", () => {
  it("finishes the request in flight before it resolves, and closes the model", async () => {
    let closed = false;
    const model = createLinearModel();
    const server = await startScoringServer({
      model: {
        ...model,
        close: async () => {
          closed = true;
        },
      },
      port: 0,
    });
    const pending = invoke(server, { dataframe_records: [ROW], params: { delay_ms: 300 } });
    await new Promise((r) => setTimeout(r, 100));
    expect(server.inFlight).toBe(1);
    await server.close();
    expect((await pending).status).toBe(200);
    expect(closed).toBe(true);
    await expect(fetch(`${server.url}/ping`)).rejects.toThrow();
  });
});
