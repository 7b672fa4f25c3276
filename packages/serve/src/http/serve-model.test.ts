// Whole serving processes (the build in dist/, as `kiln models serve` runs it): signals, workers.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const FIXTURE = fileURLToPath(new URL("./__fixtures__/serve-linear.mjs", import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** A serving process and what it printed so far. */
interface Served {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when `pattern` appears in stdout or stderr (checked on every chunk). */
  waitFor: (pattern: RegExp) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

async function startServing(options: Record<string, unknown> = {}): Promise<Served> {
  const child = spawn(process.execPath, [FIXTURE, JSON.stringify(options)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const match = (out + err).match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout!.on("data", (chunk) => {
    out += chunk;
    check();
  });
  child.stderr!.on("data", (chunk) => {
    err += chunk;
    check();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      waiters.push({ pattern, resolve });
      check();
      void exited.then(() =>
        setTimeout(() => reject(new Error(`exited before ${pattern}:\n${out}\n${err}`)), 50),
      );
    });
  const [, url] = (await waitFor(/listening (\S+)/)) as RegExpMatchArray;
  await waitFor(/^ready$/m);
  return { child, url: url!, stdout: () => out, stderr: () => err, waitFor, exited };
}

const ROW = { engines: 2, passenger_capacity: 100, crew: 4 };
const invoke = (url: string, params: Record<string, unknown> = {}) =>
  fetch(`${url}/invocations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ dataframe_records: [ROW], params }),
  });

describe("serveModel: one process", () => {
  it("on SIGTERM, finishes the request in flight, refuses new connections, exits 0", async () => {
    const served = await startServing();
    const inFlight = invoke(served.url, { delay_ms: 800 });
    await new Promise((r) => setTimeout(r, 200));
    served.child.kill("SIGTERM");
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ predictions: [{ price: 4120 }] });
    expect(await served.exited).toBe(0);
    expect(served.stdout()).toMatch(/^stopped$/m);
    await expect(fetch(`${served.url}/ping`)).rejects.toThrow();
  });

  it("SIGINT stops it too", async () => {
    const served = await startServing();
    served.child.kill("SIGINT");
    expect(await served.exited).toBe(0);
  });

  it("a model that cannot be loaded stops the server with the loader's error", async () => {
    const child = spawn(process.execPath, [FIXTURE, JSON.stringify({ exportName: "noSuchExport" })], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let out = "";
    child.stdout.on("data", (c) => {
      out += c;
    });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(out).toMatch(/^failed.*noSuchExport/m);
  });
});

describe("serveModel: --workers", () => {
  it("serves from N workers, starts a new one when one dies, and stops them all on SIGTERM", async () => {
    const served = await startServing({ workers: 2 });
    await served.waitFor(/worker (\d+) is serving[\s\S]*worker (\d+) is serving/);
    const pids = [...served.stderr().matchAll(/worker (\d+) is serving/g)].map((m) => Number(m[1]));
    expect(new Set(pids).size).toBe(2);
    process.kill(pids[0]!, "SIGKILL");
    await served.waitFor(
      new RegExp(`worker ${pids[0]} died[\\s\\S]*worker (?!${pids[0]}|${pids[1]})\\d+ is serving`),
    );
    for (let i = 0; i < 6; i++) expect((await invoke(served.url)).status).toBe(200);
    const inFlight = invoke(served.url, { delay_ms: 600 });
    await new Promise((r) => setTimeout(r, 150));
    served.child.kill("SIGTERM");
    expect((await inFlight).status).toBe(200);
    expect(await served.exited).toBe(0);
    expect(served.stdout()).toMatch(/^stopped$/m);
  });
});
