// `kiln run`'s flags, the project's error codes, the run record and the live progress line: the real
// binary in projects made by `kiln new` (the weather example, plus pipelines the tests add).
import { execFileSync, spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, env, kiln, newProject } from "./kiln-process.js";

let work: string;
let demo: string;
const run = (...args: string[]) => kiln(demo, "run", ...args);

/** The last line of the project's run records. */
async function lastRecord(dir = demo): Promise<Record<string, unknown>> {
  const lines = (await readFile(join(dir, ".kiln/runs.jsonl"), "utf8")).trim().split("\n");
  return JSON.parse(lines.at(-1)!);
}

async function write(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

const completed = (stderr: string) =>
  [...stderr.matchAll(/Completed \d+ of \d+ nodes: (\S+)/g)].map((m) => m[1]);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "kiln-e2e-run-"));
  demo = await newProject(work, "demo");
  await write(demo, {
    // Counts the readings twice, under the namespaces "eu" and "us".
    "src/pipelines/regions/pipeline.ts": [
      'import { node, pipeline } from "kiln";',
      "const count = pipeline([",
      '  node({ func: (rows: unknown[]) => rows.length, inputs: "weather_readings", outputs: "count", name: "count_readings" }),',
      "]);",
      "export function createPipeline() {",
      "  return pipeline([",
      '    pipeline(count, { namespace: "eu", inputs: ["weather_readings"] }),',
      '    pipeline(count, { namespace: "us", inputs: ["weather_readings"] }),',
      "  ]);",
      "}",
    ].join("\n"),
    // Waits slow_ms (0 unless --params says otherwise), then says so; fails for a negative wait.
    "src/pipelines/slow/pipeline.ts": [
      'import { node, pipeline } from "kiln";',
      "async function wait(ms: number): Promise<number> {",
      '  if (ms < 0) throw new RangeError("slow_ms must not be negative");',
      "  await new Promise((resolve) => setTimeout(resolve, ms));",
      "  return ms;",
      "}",
      "export function createPipeline() {",
      "  return pipeline([",
      '    node({ func: wait, inputs: "params:slow_ms", outputs: "waited", name: "wait" }),',
      '    node({ func: (ms: number) => "waited " + ms + " ms", inputs: "waited", outputs: "said", name: "say" }),',
      "  ]);",
      "}",
    ].join("\n"),
    "conf/base/parameters_slow.yml": "slow_ms: 0\n",
  });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("kiln run in a project made by kiln new", () => {
  it("runs several pipelines as one with --pipelines", async () => {
    const both = await run("--pipelines", "weather,slow");
    expect(both.code, both.output).toBe(0);
    expect(both.stderr).toContain("Pipeline completed: 5 nodes");
    expect(completed(both.stderr).sort()).toEqual([
      "make_readings",
      "report_stations",
      "say",
      "summarize_stations",
      "wait",
    ]);
    const typo = await run("--pipelines", "weather,slwo");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('KILN_PROJECT_UNKNOWN_PIPELINE: The project has no pipeline named "slwo".');
    expect(typo.stderr).toContain('Did you mean "slow"?');
  });

  it("reads the environment's config with --env, and names an unknown environment", async () => {
    await write(demo, {
      "conf/prod/parameters_weather.yml": "weather:\n  stations: [pier]\n  days: 30\n  seed: 42\n",
    });
    const prod = await run("--pipeline", "weather", "--env", "prod");
    expect(prod.code, prod.output).toBe(0);
    const summaries = JSON.parse(
      await readFile(join(demo, "data/03_primary/station_summaries.json"), "utf8"),
    );
    expect(summaries.map((s: { station: string }) => s.station)).toEqual(["pier"]);
    expect(await lastRecord()).toMatchObject({ env: "prod" });
    const missing = await run("--env", "staging");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("KILN_CONFIG_ENV_NOT_FOUND");
    expect(missing.stderr).toContain("staging");
    expect((await run("--pipeline", "weather")).code).toBe(0); // back to three stations
  });

  it("slices with --from-inputs and --to-outputs, naming unknown datasets", async () => {
    const from = await run("--pipeline", "weather", "--from-inputs", "station_summaries");
    expect(from.code, from.output).toBe(0);
    expect(completed(from.stderr)).toEqual(["report_stations"]);
    const to = await run("--pipeline", "weather", "--to-outputs", "station_summaries");
    expect(to.code, to.output).toBe(0);
    expect(completed(to.stderr)).toEqual(["make_readings", "summarize_stations"]);
    const typo = await run("--pipeline", "weather", "--from-inputs", "station_summary");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("KILN_PIPELINE_UNKNOWN_DATASET");
    expect(typo.stderr).toContain('Did you mean "station_summaries"?');
  });

  it("runs the nodes of some namespaces with --namespaces, with a close match for an unknown one", async () => {
    const eu = await run("--namespaces", "eu");
    expect(eu.code, eu.output).toBe(0);
    expect(completed(eu.stderr)).toEqual(["eu.count_readings"]);
    const both = await run("--namespaces", "eu,us");
    expect(completed(both.stderr).sort()).toEqual(["eu.count_readings", "us.count_readings"]);
    const typo = await run("--namespaces", "uss");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("KILN_PIPELINE_UNKNOWN_NAMESPACE");
    expect(typo.stderr).toContain('"uss"');
    expect(typo.stderr).toContain('Did you mean "us"?');
    expect(typo.stderr).not.toContain("Completed");
  });

  it("skips nodes whose persisted outputs exist with --only-missing-outputs", async () => {
    expect((await run("--pipeline", "weather")).code).toBe(0);
    const none = await run("--pipeline", "weather", "--only-missing-outputs");
    expect(none.code, none.output).toBe(0);
    expect(none.stderr).toContain("Skipping 3 of 3 nodes: their persisted outputs exist.");
    expect(completed(none.stderr)).toEqual([]);
    await rm(join(demo, "data/08_reporting/weather_report.txt"));
    const one = await run("--pipeline", "weather", "--only-missing-outputs");
    expect(one.code, one.output).toBe(0);
    expect(completed(one.stderr)).toEqual(["report_stations"]);
    expect(await readFile(join(demo, "data/08_reporting/weather_report.txt"), "utf8")).toMatch(/^station/);
  });

  it("runs with a runner from a module path, giving it --runner-params", async () => {
    await write(demo, {
      "src/runners/noting-runner.ts": [
        'import { writeFileSync } from "node:fs";',
        'import { SequentialRunner } from "kiln";',
        "/** A sequential runner that notes its params and the nodes it ran. */",
        "export class NotingRunner extends SequentialRunner {",
        "  constructor(readonly options: { label?: string }) { super(options); }",
        "  override async run(...args: Parameters<SequentialRunner['run']>) {",
        "    const result = await super.run(...args);",
        '    writeFileSync("runner-note.txt", this.options.label + ": " + args[0].nodes.map((n) => n.name).join(","));',
        "    return result;",
        "  }",
        "}",
      ].join("\n"),
    });
    const custom = await run(
      "--pipeline",
      "slow",
      "--runner",
      "./src/runners/noting-runner.ts#NotingRunner",
      "--runner-params",
      "label=noted",
    );
    expect(custom.code, custom.output).toBe(0);
    expect(await readFile(join(demo, "runner-note.txt"), "utf8")).toBe("noted: wait,say");
    expect(await lastRecord()).toMatchObject({
      options: { runner: "./src/runners/noting-runner.ts#NotingRunner", runnerParams: { label: "noted" } },
      nodes: [{ name: "wait" }, { name: "say" }],
    });
    const missing = await run("--runner", "./src/runners/noting-runner.ts#Nope");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'KILN_RUNNER_UNKNOWN: "./src/runners/noting-runner.ts" has no runner class export "Nope"',
    );
  });

  it("reads config from another folder with --conf-source, and records it", async () => {
    await cp(join(demo, "conf"), join(work, "other-conf"), { recursive: true });
    await writeFile(
      join(work, "other-conf/base/parameters_weather.yml"),
      "weather:\n  stations: [dock, ridge]\n  days: 3\n  seed: 1\n",
    );
    const other = await run("--pipeline", "weather", "--conf-source", join(work, "other-conf"));
    expect(other.code, other.output).toBe(0);
    const summaries = JSON.parse(
      await readFile(join(demo, "data/03_primary/station_summaries.json"), "utf8"),
    );
    expect(summaries.map((s: { station: string; days: number }) => [s.station, s.days])).toEqual([
      ["dock", 3],
      ["ridge", 3],
    ]);
    expect(await lastRecord()).toMatchObject({ confSource: join(work, "other-conf") });
    const missing = await run("--conf-source", join(work, "no-conf"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("KILN_CONFIG_BASE_NOT_FOUND");
    expect((await run("--pipeline", "weather")).code).toBe(0);
  });
});

describe("project errors name the file", () => {
  let broken: string;
  beforeAll(async () => {
    broken = await newProject(work, "broken");
  });

  const cases: Array<[string, string, string, (file: string) => string]> = [
    [
      "KILN_PROJECT_NO_CREATE_PIPELINE",
      "src/pipelines/bad/pipeline.ts",
      "export const createPipelines = () => null;\n",
      (file) => `${file} does not export a createPipeline() function.`,
    ],
    [
      "KILN_PROJECT_CREATE_PIPELINE_FAILED",
      "src/pipelines/bad/pipeline.ts",
      'export function createPipeline() { throw new Error("no nodes yet"); }\n',
      (file) => `createPipeline() in ${file} threw: no nodes yet`,
    ],
    [
      "KILN_PROJECT_NOT_A_PIPELINE",
      "src/pipelines/bad/pipeline.ts",
      "export function createPipeline() { return []; }\n",
      (file) => `createPipeline() in ${file} did not return a pipeline.`,
    ],
    [
      "KILN_PROJECT_NO_REGISTER_PIPELINES",
      "src/pipelines.ts",
      "export function registerPipeline() { return {}; }\n",
      (file) => `${file} does not export a registerPipelines() function.`,
    ],
  ];

  it.each(cases)("%s", async (code, path, text, message) => {
    const file = join(broken, path);
    const original = await readFile(file, "utf8").catch(() => undefined);
    await write(broken, { [path]: text });
    try {
      for (const command of [["run"], ["registry", "list"]]) {
        const failed = await kiln(broken, ...command);
        expect(failed.code, failed.output).toBe(2);
        expect(failed.stderr).toContain(`Error ${code}: ${message(file)}`);
      }
    } finally {
      if (original === undefined) await rm(join(broken, "src/pipelines/bad"), { recursive: true });
      else await writeFile(file, original);
    }
    expect((await kiln(broken, "registry", "list")).code).toBe(0);
  });
});

describe("the run record", () => {
  const git = (dir: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Kiln Test", "-c", "user.email=test@example.com", ...args], {
      cwd: dir,
      encoding: "utf8",
    }).trim();

  it("has the id, times, git commit and dirty flag, command, options, params, status and node timings", async () => {
    const dir = await newProject(work, "tracked");
    await writeFile(join(dir, "conf/local/credentials.yml"), "db:\n  password: canary-5b2e-secret\n");
    git(dir, "init", "-q");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "start");
    const commit = git(dir, "rev-parse", "HEAD");

    const ok = await kiln(
      dir,
      "run",
      "--pipeline",
      "weather",
      "--params",
      "weather.days=5",
      "--runner",
      "concurrent",
    );
    expect(ok.code, ok.output).toBe(0);
    const record = await lastRecord(dir);
    expect(record).toMatchObject({
      project: "tracked",
      pipeline: "weather",
      env: "local",
      status: "success",
      git: { commit, dirty: false },
      command: "kiln run --pipeline weather --params weather.days=5 --runner concurrent",
      options: { pipeline: "weather", runner: "concurrent" },
      runtimeParams: { weather: { days: 5 } },
      confSource: "conf",
      error: null,
    });
    expect(record.runId).toMatch(/^\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d\.\d{3}Z$/);
    const started = Date.parse(record.startedAt as string);
    const finished = Date.parse(record.finishedAt as string);
    expect(finished).toBeGreaterThanOrEqual(started);
    expect(record.durationMs).toBeGreaterThanOrEqual(0);
    // Each node's time is the one its log line shows.
    const nodes = record.nodes as Array<{ name: string; status: string; durationMs: number }>;
    expect(nodes.map((n) => [n.name, n.status])).toEqual([
      ["make_readings", "success"],
      ["summarize_stations", "success"],
      ["report_stations", "success"],
    ]);
    for (const { name, durationMs } of nodes) {
      const shown = ok.stderr.match(new RegExp(`nodes: ${name} \\(([\\d.]+) (µs|ms|s)\\)`));
      expect(shown, name).not.toBeNull();
      const ms = Number(shown![1]) * { µs: 0.001, ms: 1, s: 1000 }[shown![2] as "ms"];
      expect(Math.abs(ms - durationMs), `${name}: ${shown![0]} vs ${durationMs}`).toBeLessThanOrEqual(
        shown![2] === "s" ? 5 : 0.051,
      );
    }
    expect(JSON.stringify(record)).not.toContain("canary-5b2e");
    // kiln package writes dist/, which the template's .gitignore keeps out of git.
    expect((await kiln(dir, "package")).code).toBe(0);
    expect(git(dir, "status", "--porcelain")).toBe("");

    await writeFile(join(dir, "README.md"), "# changed\n");
    await write(dir, {
      "src/pipelines/failing/pipeline.ts": [
        'import { node, pipeline } from "kiln";',
        'const fail = (days: number) => { throw new RangeError("no " + days); };',
        'export function createPipeline() { return pipeline([node({ func: fail, inputs: "params:weather.days", outputs: "x", name: "fail" })]); }',
      ].join("\n"),
    });
    const failed = await kiln(dir, "run", "--pipeline", "failing");
    expect(failed.code).toBe(1);
    expect(await lastRecord(dir)).toMatchObject({
      status: "failed",
      git: { commit, dirty: true },
      nodes: [{ name: "fail", status: "failed" }],
      error: { code: "KILN_NODE_FAILED" },
    });
  });
});

describe("the live progress line", () => {
  /** `kiln ARGS` on a pseudo-terminal (`script`), with a user's terminal environment (CI sets CI=true). */
  function onTerminal(...args: string[]) {
    const { CI, NO_COLOR, NODE_DISABLE_COLORS, FORCE_COLOR, ...userEnv } = env;
    const result = spawnSync("script", ["-qfec", [process.execPath, bin, ...args].join(" "), "/dev/null"], {
      cwd: demo,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...userEnv, TERM: "xterm-256color" },
    });
    return { code: result.status, output: result.stdout };
  }
  const CLEAR = `\r${String.fromCharCode(27)}[2K`;

  it("appears when the run starts, ticks while the first node works, is erased before each line and at the end", () => {
    const tty = onTerminal("run", "--pipeline", "slow", "--params", "slow_ms=1500");
    expect(tty.code, tty.output).toBe(0);
    const firstLine = tty.output.indexOf("Completed 1 of 2 nodes: wait");
    expect(firstLine).toBeGreaterThan(0);
    const before = tty.output.slice(0, firstLine);
    const frames = [...before.matchAll(/\[0\/2 nodes\] (\d+\.\d) s/g)].map((m) => Number(m[1]));
    expect(frames[0]).toBe(0);
    expect(before).toContain("[0/2 nodes] 0.0 s · running: wait");
    // Elapsed counts from the start of the run and grows while the node sleeps.
    expect(frames).toEqual([...frames].sort((a, b) => a - b));
    expect(new Set(frames).size).toBeGreaterThan(2);
    expect(Math.max(...frames)).toBeGreaterThanOrEqual(1);
    // Every log line starts on a cleared line; the last thing written is the line being erased.
    for (const line of tty.output.matchAll(/\d\d:\d\d:\d\d (Completed|Pipeline)/g))
      expect(tty.output.slice(line.index! - CLEAR.length, line.index)).toBe(CLEAR);
    expect(tty.output.endsWith(CLEAR)).toBe(true);
  });

  it("is not drawn with --quiet", () => {
    const quiet = onTerminal("--quiet", "run", "--pipeline", "slow");
    expect(quiet.code, quiet.output).toBe(0);
    expect(quiet.output).not.toContain("nodes]");
  });
});
