// The real `kiln` binary, spawned in a throwaway copy of the example project.
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const repo = new URL("../..", import.meta.url).pathname;
const bin = join(repo, "packages/kiln/bin/kiln.js");
let project: string;

function kiln(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, KILN_ENV: "" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "kiln-cli-"));
  const example = join(repo, "examples/hello");
  for (const part of ["package.json", "conf", "src"])
    await cp(join(example, part), join(project, part), { recursive: true });
  await symlink(join(repo, "node_modules"), join(project, "node_modules"), "dir");
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

describe("kiln", () => {
  it("prints help and its version", () => {
    const help = kiln("--help");
    expect(help.code).toBe(0);
    for (const command of ["run", "registry", "catalog", "config", "info"])
      expect(help.stdout).toContain(command);
    expect(kiln("--version").stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("runs the default pipeline, one line per node, and records the run", async () => {
    const run = kiln("run");
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Completed 5 of 5 nodes: report/);
    expect(run.stdout).toMatch(
      /^Saved 3 datasets:\n {2}line {5}data\/06_models\/line\.json\/[\dT.\-Z]+\/line\.json\n/,
    );
    expect(run.stdout).toContain("summary  data/08_reporting/summary.txt");
    expect(await readFile(join(project, "data/08_reporting/summary.txt"), "utf8")).toContain("y = 2.995·x");
    const records = (await readFile(join(project, ".kiln/runs.jsonl"), "utf8")).trim().split("\n");
    expect(JSON.parse(records.at(-1)!)).toMatchObject({ status: "success", command: "kiln run" });
  });

  it("runs with every runner and with runner params", () => {
    expect(kiln("run", "--runner", "concurrent", "--quiet").code).toBe(0);
    const parallel = kiln("run", "--runner", "parallel", "--runner-params", "max_workers=2");
    expect(parallel.code).toBe(0);
    expect(parallel.stderr).toContain("Pipeline completed: 5 nodes");
  });

  it("slices with --nodes, --tags, --from-nodes/--to-nodes and takes --params", async () => {
    const only = kiln("run", "--nodes", "report");
    expect(only.code).toBe(0);
    expect(only.stderr).toContain("Completed 1 of 1 nodes: report");
    expect(kiln("run", "--tags", "data").stderr).toContain("Completed 2 of 2 nodes");
    // fit_line reads "train", which lives only in memory: refused before any node runs.
    const slice = kiln("run", "--from-nodes", "fit_line", "--to-nodes", "evaluate");
    expect(slice.code).toBe(2);
    expect(slice.stderr).toContain('KILN_RUNNER_MISSING_INPUTS: The pipeline reads "test", "train"');
    expect(kiln("run", "--params", "data.slope=5,data.noise=0").code).toBe(0);
    expect(await readFile(join(project, "data/08_reporting/summary.txt"), "utf8")).toMatch(
      /^y = 5\.000·x \+ 2\.000/,
    );
  });

  it("loads a pinned version with --load-versions", async () => {
    const versions = (await readdir(join(project, "data/06_models/line.json"))).sort();
    expect(versions.length).toBeGreaterThan(1);
    expect(kiln("run", "--nodes", "report", "--load-versions", `line:${versions[0]}`).code).toBe(0);
    expect(await readFile(join(project, "data/08_reporting/summary.txt"), "utf8")).toContain("y = 2.995·x");
  });

  it("exits 1 when a node fails, naming it and the command that resumes", () => {
    const failed = kiln("run", "--params", "test_every=1");
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('KILN_NODE_FAILED: Node "split_data"');
    expect(failed.stderr).toContain("test_every must be an integer of at least 2, got 1");
    expect(failed.stderr).toContain('kiln run --params test_every=1 --from-nodes "make_data"');
  });

  it("checks parameters against the pipeline's schema before any node runs", async () => {
    const bad = kiln("run", "--params", "data.rows=many");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("KILN_CONFIG_INVALID_PARAMETERS");
    expect(bad.stderr).toMatch(/data\.rows: expected number, received string "many"/);
    expect(bad.stderr).not.toContain("Completed");
    const file = join(project, "conf/base/parameters.yml");
    const original = await readFile(file, "utf8");
    await writeFile(file, original.replace("noise: 0.5", "noise: -1"));
    const fromFile = kiln("run");
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toMatch(/data\.noise: .*conf\/base\/parameters\.yml:6:\d+/);
    // A key missing from the file's mapping is the file's, even when --params adds to that mapping.
    await writeFile(file, original.replace("  noise: 0.5\n", ""));
    const missing = `data.noise: missing (expected number) (not set; "data" is at ${file}:2:1)`;
    expect(kiln("run").stderr).toContain(missing);
    const withParams = kiln("run", "--params", "data.rows=5");
    expect(withParams.code).toBe(2);
    expect(withParams.stderr).toContain(missing);
    expect(withParams.stderr).not.toContain("runtime params");
    await writeFile(file, original);
  });

  it("stops before any node runs when a factory pattern is wrong, naming the pattern and its file:line:col", async () => {
    const file = join(project, "conf/local/catalog.yml");
    // Wrong whatever name it is given: found when the catalog is built.
    await writeFile(
      file,
      '"t{rest}":\n  type: json.JSONDataset\n  filepath: data/{rest}.json\n  save_args: { indnet: 2 }\n',
    );
    const keys = kiln("run");
    expect(keys.code).toBe(2);
    expect(keys.stderr).toMatch(
      /KILN_CATALOG_UNKNOWN_ARG: \S*conf\/local\/catalog\.yml:4:\d+ \(pattern "t\{rest\}"\): json\.JSONDataset has no save_args "indnet"\./,
    );
    expect(keys.stderr).toContain('Did you mean "indent"?');
    expect(keys.stderr).not.toContain("Completed");
    // Wrong only for some names ("train", "test" give copy_mode "rain", "est"): found when the run
    // builds every dataset of the pipeline, before make_data runs.
    await writeFile(file, '"t{rest}":\n  type: MemoryDataset\n  copy_mode: "{rest}"\n');
    const built = kiln("run");
    expect(built.code).toBe(2);
    expect(built.stderr).toContain("KILN_CATALOG_INVALID: The catalog has 2 problems:");
    expect(built.stderr).toMatch(
      /conf\/local\/catalog\.yml:1:\d+ \(dataset "test" from pattern "t\{rest\}"\): copy_mode must be assign, copy or deepcopy, got "est"/,
    );
    expect(built.stderr).not.toContain("Completed");
    await rm(file);
  });

  it("exits 2 with close matches for unknown flags, pipelines, nodes and tags", () => {
    const flag = kiln("run", "--fro-nodes", "x");
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--from-nodes");
    const pipe = kiln("run", "--pipeline", "line_fti");
    expect(pipe.code).toBe(2);
    expect(pipe.stderr).toContain('Did you mean "line_fit"?');
    expect(kiln("run", "--nodes", "fit_lin").stderr).toContain('Did you mean "fit_line"?');
    expect(kiln("run", "--tags", "trainng").stderr).toContain('Did you mean "training"?');
    const runner = kiln("run", "--runner", "paralel");
    expect(runner.code).toBe(2);
    expect(runner.stderr).toContain('Did you mean "parallel"?');
  });

  it("exits 2 for a runner module that does not exist or a parameter a built-in runner does not take", () => {
    const missing = kiln("run", "--runner", "./nope.js");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `KILN_RUNNER_MODULE_NOT_FOUND: The runner module ${join(project, "nope.js")} does not exist`,
    );
    expect(missing.stderr).toContain("e.g. --runner ./src/my-runner.ts#MyRunner");
    expect(missing.stderr).not.toContain("ERR_MODULE_NOT_FOUND");
    const extensionless = kiln("run", "--runner", "./src/pipelines/line_fit/pipeline");
    expect(extensionless.stderr).toContain("Did you mean ./src/pipelines/line_fit/pipeline.ts?");
    const param = kiln("run", "--runner", "parallel", "--runner-params", "max_worker=2");
    expect(param.code).toBe(2);
    expect(param.stderr).toContain(
      'KILN_RUNNER_UNKNOWN_PARAM: The parallel runner has no parameter "max_worker".',
    );
    expect(param.stderr).toContain('Did you mean "max_workers"? It takes: max_workers, transfer');
    expect(param.stderr).not.toContain("Completed");
    const none = kiln("run", "--runner-params", "max_workers=2");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('The sequential runner has no parameter "max_workers".');
  });

  it("lists and describes pipelines", () => {
    expect(kiln("registry", "list").stdout).toBe("- __default__\n- line_fit\n");
    const described = kiln("registry", "describe", "line_fit").stdout;
    expect(described).toContain("- split_data  [data]");
    expect(described).toContain("points, params:test_every -> train, test");
  });

  it("describes the catalog and shows config with credentials masked", async () => {
    const canary = "cli-CANARY-secret";
    await writeFile(join(project, "conf/local/credentials.yml"), `s3:\n  secret: ${canary}\n`);
    await writeFile(
      join(project, "conf/base/catalog_factories.yml"),
      '"{name}_json":\n  type: json.JSONDataset\n  filepath: data/02_intermediate/{name}.json\n',
    );
    const described = kiln("catalog", "describe-datasets", "--pipeline", "line_fit");
    expect(described.code).toBe(0);
    expect(described.stdout).toContain("json.JSONDataset");
    expect(described.stdout).toContain("MemoryDataset");
    expect(kiln("catalog", "list-patterns").stdout).toContain('"{name}_json"');
    const shown = kiln("config", "show");
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("test_every: 5");
    expect(shown.stdout).not.toContain(canary);
    expect(kiln("config", "show", "--env", "prod").code).toBe(2);
  });

  it("shows config that needs a runtime param with config show --params", async () => {
    const extra = join(project, "conf/base/catalog_runtime.yml");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the ${...} is config interpolation, written to a file
    await writeFile(extra, "exports:\n  type: json.JSONDataset\n  filepath: ${runtime_params:out}/x.json\n");
    try {
      const without = kiln("config", "show", "catalog");
      expect(without.code).toBe(2);
      expect(without.stderr).toContain("KILN_CONFIG_MISSING_REFERENCE");
      const shown = kiln("config", "show", "--params", "out=data/09_exports,data.rows=7");
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain("filepath: data/09_exports/x.json");
      expect(shown.stdout).toMatch(/data:\n(?: {4}\w+: .*\n)*? {4}rows: 7\n/);
      const bad = kiln("config", "show", "--params", "out");
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("KILN_CONFIG_BAD_RUNTIME_PARAMS");
    } finally {
      await rm(extra);
    }
  });

  it("lists dataset types with Kedro's names, as the unknown-type hint says to", async () => {
    const file = join(project, "conf/local/catalog.yml");
    await writeFile(file, "points:\n  type: json.JSONDatset\n  filepath: data/points.json\n");
    const typo = kiln("run");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("KILN_CATALOG_UNKNOWN_TYPE");
    expect(typo.stderr).toContain('Did you mean "json.JSONDataset"?');
    expect(typo.stderr).toContain("kiln catalog list-types");
    await rm(file);
    const types = kiln("catalog", "list-types");
    expect(types.code).toBe(0);
    expect(types.stdout).toMatch(
      /^MemoryDataset:\n {2}aliases: \[ io\.MemoryDataset, kedro\.io\.MemoryDataset \]\n {2}from: built-in\n/,
    );
    expect(types.stdout).toContain("json.JSONDataset:\n  aliases: []\n  from: built-in\n");
    expect(types.stdout).toContain("pandas.*, polars.*");
    expect(types.stdout).toContain("(@kiln/datasets)");
  });

  it("resolves patterns as Kedro 1.x: declared entries, then the pipelines' datasets through factories or the default", async () => {
    const canary = "resolve-CANARY-token";
    const file = join(project, "conf/local/catalog.yml");
    await rm(join(project, "conf/base/catalog_factories.yml"), { force: true }); // an earlier test's
    await writeFile(
      file,
      [
        '"{layer}.{name}":',
        "  type: json.JSONDataset",
        "  filepath: data/{layer}/{name}.json",
        '"t{rest}":',
        "  type: json.JSONDataset",
        "  filepath: data/05_model_input/t{rest}.json",
        "remote:",
        "  type: json.JSONDataset",
        "  filepath: https://example.com/stations.json",
        `  credentials: { token: ${canary} }`,
      ].join("\n"),
    );
    const resolved = kiln("catalog", "resolve-patterns", "--pipeline", "line_fit");
    expect(resolved.code).toBe(0);
    const doc = parse(resolved.stdout) as Record<string, Record<string, unknown>>;
    // Declared first (all of them, as Kedro does), then the pipeline's other datasets, sorted.
    expect(Object.keys(doc)).toEqual(["line", "metrics", "summary", "remote", "points", "test", "train"]);
    expect(doc.line).toMatchObject({
      type: "json.JSONDataset",
      filepath: "data/06_models/line.json",
      versioned: true,
    });
    expect(doc.train).toEqual({ type: "json.JSONDataset", filepath: "data/05_model_input/train.json" });
    expect(doc.points).toEqual({ type: "MemoryDataset" });
    expect(doc.remote?.credentials).toEqual({ token: "***" });
    expect(resolved.stdout).not.toContain(canary);
    const shown = kiln("config", "show", "catalog");
    expect(shown.stdout).toContain("https://example.com/stations.json");
    expect(shown.stdout).not.toContain(canary);

    const patterns = kiln("catalog", "list-patterns");
    expect(patterns.code).toBe(0);
    // Ranked as Kedro does: one literal character each, then more `{` first.
    expect(patterns.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(/^- "\{layer\}\.\{name\}" {2}\(\S*conf\/local\/catalog\.yml:1:1\)$/),
      expect.stringMatching(/^- "t\{rest\}" {2}\(\S*conf\/local\/catalog\.yml:4:1\)$/),
      '- "{default}"  (runtime default: MemoryDataset for datasets nothing else matches)',
    ]);
    // Only the patterns line_fit's datasets use: not "{layer}.{name}".
    const used = kiln("catalog", "list-patterns", "--pipeline", "line_fit");
    expect(
      used.stdout
        .trim()
        .split("\n")
        .map((l) => l.split("  ")[0]),
    ).toEqual(['- "t{rest}"', '- "{default}"']);
    for (const command of ["list-patterns", "resolve-patterns", "describe-datasets"]) {
      const unknown = kiln("catalog", command, "--pipeline", "line_fti");
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(
        'KILN_PROJECT_UNKNOWN_PIPELINE: The project has no pipeline named "line_fti".',
      );
      expect(unknown.stderr).toContain('Did you mean "line_fit"?');
    }
    await rm(file);
  });

  it("reads options from --config run.yml, flags winning", async () => {
    await writeFile(join(project, "run.yml"), "run:\n  nodes: report\n  runner: concurrent\n");
    const fromFile = kiln("run", "--config", "run.yml");
    expect(fromFile.code).toBe(0);
    expect(fromFile.stderr).toContain("Completed 1 of 1 nodes: report");
    const overridden = kiln("run", "--config", "run.yml", "--nodes", "make_data,split_data");
    expect(overridden.stderr).toContain("Completed 2 of 2 nodes: split_data");
    // Values written as on the command line are parsed as there; kebab-case keys work too.
    await writeFile(
      join(project, "run.yml"),
      "run:\n  nodes: report\n  runner: parallel\n  runner-params: max_workers=1\n",
    );
    expect(kiln("run", "--config", "run.yml").stderr).toContain("Completed 1 of 1 nodes: report");
  });

  it("refuses unknown --config keys with file:line and a close match, before running anything", async () => {
    await writeFile(join(project, "run.yml"), "run:\n  nodes: report\n  pipelin: line_fit\n");
    const typo = kiln("run", "--config", "run.yml");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      'KILN_CLI_BAD_CONFIG_FILE: --config run.yml:3: unknown key "pipelin" (did you mean "pipeline"?).',
    );
    expect(typo.stderr).toContain("The run: keys are the kiln run options: pipeline, pipelines, env,");
    expect(typo.stderr).not.toContain("Completed");
    await writeFile(join(project, "run.yml"), "run:\n  fromNode: split_data\n  to-output: [line]\n");
    const two = kiln("run", "--config", "run.yml");
    expect(two.code).toBe(2);
    expect(two.stderr).toContain("--config run.yml has unknown keys:");
    expect(two.stderr).toContain('  - run.yml:2: unknown key "fromNode" (did you mean "fromNodes"?)');
    expect(two.stderr).toContain('  - run.yml:3: unknown key "to-output" (did you mean "to-outputs"?)');
    const missing = kiln("run", "--config", "nope.yml");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("KILN_CLI_BAD_CONFIG_FILE: Could not read --config nope.yml (ENOENT).");
  });

  it("renders a malformed --load-versions or --runner-params once, with a hint, and exits 2", () => {
    const versions = kiln("run", "--load-versions", "line:");
    expect(versions.code).toBe(2);
    expect(versions.stderr).toBe(
      '\nError KILN_CLI_BAD_VALUE: --load-versions expects dataset:version pairs separated by commas, got "line:".\n' +
        "  e.g. --load-versions regressor:2026-11-23T12.51.11.123Z\n",
    );
    const params = kiln("run", "--runner", "parallel", "--runner-params", "max_workers=2,foo");
    expect(params.code).toBe(2);
    expect(params.stderr).toBe(
      '\nError KILN_CLI_BAD_VALUE: --runner-params expects key=value pairs separated by commas, got "foo".\n' +
        "  e.g. --runner-params max_workers=4\n",
    );
  });

  it("draws a live progress line on a terminal, and none when piped", () => {
    const tty = spawnSync("script", ["-qfec", `${process.execPath} ${bin} run`, "/dev/null"], {
      cwd: project,
      encoding: "utf8",
    });
    expect(tty.status).toBe(0);
    const ESC = String.fromCharCode(27);
    expect(tty.stdout).toMatch(new RegExp(`\r${ESC}\\[2K\\[\\d/5 nodes\\] \\d+\\.\\d s`));
    expect(kiln("run").stderr).not.toContain("\x1b[2K");
  });

  it("takes level and format from conf/logging.yml, flags winning", async () => {
    await writeFile(join(project, "conf/logging.yml"), "level: warn\nformat: text\n");
    expect(kiln("run", "--nodes", "report").stderr).toBe("");
    expect(kiln("run", "--nodes", "report", "--verbose").stderr).toContain("Completed 1 of 1 nodes");
    await writeFile(join(project, "conf/logging.yml"), "level: info\nformat: json\n");
    expect(JSON.parse(kiln("run", "--nodes", "report").stderr.trim().split("\n")[0]!)).toHaveProperty(
      "level",
    );
    await rm(join(project, "conf/logging.yml"));
  });

  it("writes JSON log lines with --log-format json", () => {
    const run = kiln("run", "--log-format", "json", "--nodes", "report");
    const lines = run.stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.find((l) => l.event === "node_completed")).toMatchObject({ node: "report", level: "info" });
  });
});
