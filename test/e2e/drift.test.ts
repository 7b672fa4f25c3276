// Drift monitoring end to end on the spaceflights example with the real `kiln` binary: a training
// run keeps a sample of its input with the model; `kiln models serve --log-inputs` records what it
// is asked; `kiln monitor drift` finds the features shifted on purpose (and none in the training
// data), saves its report, and starts a re-training pipeline run.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copySpaceflights, type SpaceflightsCopy } from "../support/spaceflights-copy.js";
import { bin, env } from "./kiln-process.js";

let sf: SpaceflightsCopy;
let work: string;
let server: ChildProcess | undefined;

beforeAll(async () => {
  sf = await copySpaceflights({ generateData: true });
  work = await mkdtemp(join(tmpdir(), "kiln-e2e-drift-"));
  const run = sf.kiln("run");
  if (run.status !== 0) throw new Error(`kiln run failed:\n${run.stderr}`);
}, 180_000);
afterAll(async () => {
  server?.kill("SIGKILL");
  await sf?.remove();
  await rm(work, { recursive: true, force: true });
});

/** Starts `kiln models serve` with the given flags; resolves its URL once the model answers. */
function serve(...flags: string[]): Promise<{ url: string; output: () => string }> {
  let output = "";
  server = spawn(process.execPath, [bin, "models", "serve", "--port", "0", ...flags], { cwd: sf.root, env });
  const child = server;
  return new Promise((resolve, reject) => {
    let url: string | undefined;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      url ??= /at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url && output.includes("/invocations answers")) resolve({ url, output: () => output });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`kiln models serve exited with ${code}:\n${output}`)));
  });
}

/** `kiln monitor drift -m models:/spaceflights@champion …` in the copy. */
const checkDrift = (...args: string[]) =>
  sf.kiln("monitor", "drift", "-m", "models:/spaceflights@champion", ...args);

const stopped = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });

describe("kiln monitor drift (spaceflights)", () => {
  it("finds no drift in the training data itself", () => {
    const check = checkDrift("--current", "data/03_primary/model_input_table.parquet");
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(
      /against models:\/spaceflights@champion \(reference_data\.parquet\) \(\d{3,} rows\)/,
    );
    expect(check.stdout).toMatch(/^company_rating\s+numeric\s+0\.0\d\d/m);
    expect(check.stdout).toContain("No feature reached PSI 0.25");
    expect(check.stdout).toMatch(/Report: .*data\/08_reporting\/drift\/drift-.*\.json/);
  });

  it("records served rows, finds the two features shifted on purpose, reports them and starts re-training", async () => {
    const logged = join(work, "served");
    const { url, output } = await serve("-m", "models:/spaceflights@champion", "--log-inputs", logged);
    expect(output()).toContain(`Logging every predicted row to ${logged}`);
    // Production moved: ratings a third lower, cabins three seats larger; the rest as in training.
    const rows = pl
      .readParquet(join(sf.root, "data/03_primary/model_input_table.parquet"))
      .head(600)
      .withColumns(pl.col("company_rating").mul(0.66), pl.col("passenger_capacity").add(3))
      .toRecords();
    for (let i = 0; i < rows.length; i += 20) {
      const answer = await fetch(`${url}/invocations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ dataframe_records: rows.slice(i, i + 20) }),
      });
      expect(answer.status, await answer.clone().text()).toBe(200);
      expect(((await answer.json()) as { predictions: unknown[] }).predictions).toHaveLength(20);
    }
    expect(await stopped(server!)).toBe(0); // SIGTERM writes what waits
    const parts = await readdir(logged);
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.every((p) => p.endsWith(".parquet"))).toBe(true);

    const report = join(work, "drift.json");
    const check = checkDrift("--current", logged, "--report", report, "--trigger", "data_processing");
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^company_rating\s+numeric\s+\d+\.\d+\s+\d\.\d+\s+\S+\s+drift \*$/m);
    expect(check.stdout).toMatch(/^engines\s+numeric\s+0\.0\d\d .*stable$/m);
    expect(check.stdout).toContain("Starting kiln run --pipeline data_processing (drift ≥ 0.25).");
    expect(check.stderr).toContain("Pipeline completed: 3 nodes"); // the triggered run's log
    const saved = JSON.parse(await readFile(report, "utf8"));
    expect(saved).toMatchObject({
      model: "models:/spaceflights@champion",
      current: { rows: 600 },
      threshold: 0.25,
      triggered: { pipeline: "data_processing", exit_code: 0 },
    });
    expect(saved.drifted.sort()).toEqual(["company_rating", "passenger_capacity"]);
    expect(saved.features).toHaveLength(8);
    // The triggered run is a normal tracked run.
    const runs = sf.kiln("tracking", "runs");
    expect(runs.stdout).toContain("data_processing");
  }, 120_000);

  it("explains a source it cannot find and a bad option, with exit code 2", () => {
    const missing = checkDrift("--current", "model_input_tabel");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(
      "Error KILN_MONITOR_BAD_SOURCE: --current model_input_tabel: no such file or folder, and no dataset of that name in the catalog.",
    );
    expect(missing.stderr).toContain('Did you mean the dataset "model_input_table"?');
    const byName = checkDrift("--current", "model_input_table", "--threshold", "x");
    expect(byName.stderr).toContain(
      'Error KILN_MONITOR_BAD_OPTION: --threshold must be a number from 0 to 100, got "x".',
    );
    const trigger = checkDrift("--current", "model_input_table", "--trigger", "data_procesing");
    expect(trigger.status).toBe(2);
    expect(trigger.stderr).toContain(
      "Error KILN_MONITOR_BAD_OPTION: --trigger data_procesing: the project has no such pipeline.",
    );
    expect(trigger.stderr).toContain('Did you mean "data_processing"?');
    expect(trigger.stdout).toBe(""); // refused before anything was compared
  });
});
