// The spaceflights model served end to end with the real `kiln` binary: `kiln run` trains, packages
// and registers it, `kiln models serve -m models:/spaceflights@champion` answers MLflow's scoring
// protocol with the champion's predictions for real feature rows (every layout, CSV too), refuses
// bad rows with 400s naming the column, and stops on SIGTERM with 0; `kiln models predict` agrees.
// (The protocol's cases in detail are packages/serve/src/http/scoring-server.test.ts's.)
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copySpaceflights, type SpaceflightsCopy } from "../support/spaceflights-copy.js";
import { bin, env } from "./kiln-process.js";

interface Regressor {
  features: string[];
  coefficients: number[];
  intercept: number;
}

let copy: SpaceflightsCopy;
let served: Served;
let url: string;
/** The champion's input example (test rows of the training run) and fitted regressor. */
let example: { columns: string[]; data: unknown[][] };
let regressor: Regressor;

/** What the champion must answer for `rows`: its linear formula (booleans count 0/1). */
const expected = (rows: unknown[][]) =>
  rows.map((row) =>
    regressor.features.reduce(
      (sum, feature, j) => sum + Number(row[example.columns.indexOf(feature)]) * regressor.coefficients[j]!,
      regressor.intercept,
    ),
  );
const records = () =>
  example.data.map((row) => Object.fromEntries(example.columns.map((c, j) => [c, row[j]])));

async function modelFolder(root: string): Promise<string> {
  const experiments = join(root, ".kiln/artifacts");
  const [experiment] = await readdir(experiments);
  const [run] = await readdir(join(experiments, experiment!));
  return join(experiments, experiment!, run!, "artifacts/model");
}

/** A `kiln models serve` process. */
interface Served {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  log: () => string;
}
const running: Served[] = [];

/** Starts `kiln models serve` on a free port; resolves once /health answers 200. */
async function serve(root: string, ...extra: string[]): Promise<Served> {
  const args = ["models", "serve", "-m", "models:/spaceflights@champion", "--port", "0", ...extra];
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  running.push({ child, url: "", exited, log: () => log });
  const listening = new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      log += chunk;
      const match = / at (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    void exited.then((code) => reject(new Error(`kiln models serve exited with ${code}:\n${log}`)));
  });
  const base = await listening;
  // With one process the port opens before the model is loaded: /health is 503 until then.
  for (;;) {
    const health = await fetch(`${base}/health`);
    if (health.status === 200) return { child, url: base, exited, log: () => log };
    expect(health.status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const invoke = (body: string, contentType = "application/json", base = url) =>
  fetch(`${base}/invocations`, { method: "POST", headers: { "content-type": contentType }, body });

async function predictions(res: Response): Promise<number[]> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const body = JSON.parse(text) as { predictions: number[] };
  expect(Object.keys(body)).toEqual(["predictions"]);
  return body.predictions;
}

function expectPrices(actual: number[], rows: unknown[][]): void {
  expect(actual).toHaveLength(rows.length);
  for (const [i, price] of expected(rows).entries()) {
    expect(Number.isFinite(actual[i])).toBe(true);
    expect(actual[i]).toBeCloseTo(price, 6);
  }
}

beforeAll(async () => {
  copy = await copySpaceflights({ generateData: true });
  const run = copy.kiln("run");
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toContain("Registered the model as models:/spaceflights/1.");
  const folder = await modelFolder(copy.root);
  example = JSON.parse(await readFile(join(folder, "input_example.json"), "utf8"));
  regressor = JSON.parse(
    await readFile(join(folder, "artifacts/active_modelling_pipeline.regressor/regressor.json"), "utf8"),
  );
  served = await serve(copy.root);
  url = served.url;
}, 240_000);

afterAll(async () => {
  for (const { child } of running) if (child.exitCode === null) child.kill("SIGKILL");
  await copy?.remove();
});

describe("kiln models serve -m models:/spaceflights@champion", () => {
  it("answers /ping and /version", async () => {
    const ping = await fetch(`${url}/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.text()).toBe("\n");
    const version = await fetch(`${url}/version`);
    expect(version.status).toBe(200);
    expect(await version.text()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("predicts the champion's prices for the input example's rows, in every layout", async () => {
    expect(example.data.length).toBeGreaterThan(1);
    const split = await invoke(JSON.stringify({ dataframe_split: example }));
    expectPrices(await predictions(split), example.data);
    const byRecords = await invoke(JSON.stringify({ dataframe_records: records() }));
    expectPrices(await predictions(byRecords), example.data);
    const instances = await invoke(JSON.stringify({ instances: records() }));
    expectPrices(await predictions(instances), example.data);
  });

  it("predicts from CSV rows (booleans as true/false, as a CSV of the data would hold them)", async () => {
    const csv = `${[example.columns, ...example.data].map((row) => row.join(",")).join("\n")}\n`;
    expectPrices(await predictions(await invoke(csv, "text/csv")), example.data);
  });

  it("a missing column: 400 BAD_REQUEST naming it", async () => {
    const rows = records().map(({ crew: _crew, ...rest }) => rest);
    const res = await invoke(JSON.stringify({ dataframe_records: rows }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error_code: string; message: string };
    expect(body.error_code).toBe("BAD_REQUEST");
    expect(body.message).toContain('"crew"');
  });

  it("a value of the wrong type: 400 BAD_REQUEST naming the column", async () => {
    const rows = records().map((row) => ({ ...row, engines: "two" }));
    const res = await invoke(JSON.stringify({ dataframe_records: rows }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error_code: string; message: string };
    expect(body.error_code).toBe("BAD_REQUEST");
    expect(body.message).toContain("engines");
  });

  it("text/plain: 415", async () => {
    const res = await invoke("engines=2", "text/plain");
    expect(res.status).toBe(415);
  });

  it("kiln models predict gives the same prices for a CSV file", async () => {
    const csv = join(copy.root, "rows.csv");
    await writeFile(csv, `${[example.columns, ...example.data].map((row) => row.join(",")).join("\n")}\n`);
    const out = join(copy.root, "out.json");
    const predicted = copy.kiln(
      "models",
      "predict",
      "-m",
      "models:/spaceflights@champion",
      "-i",
      csv,
      "-o",
      out,
    );
    expect(predicted.status, predicted.stderr).toBe(0);
    const written = JSON.parse(await readFile(out, "utf8")) as { predictions: number[] };
    expectPrices(written.predictions, example.data);
  });

  it("stops on SIGTERM with exit code 0", async () => {
    served.child.kill("SIGTERM");
    expect(await served.exited, served.log()).toBe(0);
    await expect(fetch(`${url}/ping`)).rejects.toThrow();
  });
});

describe("kiln models serve --batch-max-rows", () => {
  it("answers concurrent one-row requests each with its own row's price, and stops with 0", async () => {
    const batched = await serve(copy.root, "--batch-max-rows", "16", "--batch-wait-ms", "1");
    const answers = await Promise.all(
      example.data.map((row) =>
        invoke(
          JSON.stringify({ dataframe_split: { columns: example.columns, data: [row] } }),
          "application/json",
          batched.url,
        ),
      ),
    );
    for (const [i, answer] of answers.entries()) expectPrices(await predictions(answer), [example.data[i]!]);
    batched.child.kill("SIGTERM");
    expect(await batched.exited, batched.log()).toBe(0);
  });
});
