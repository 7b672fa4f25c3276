// @kiln/tracking end to end: a project that depends on it, the real `kiln` binary, a real SQLite
// store, a real PostgreSQL server and a real S3-compatible server (moto), all on 127.0.0.1.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Moto, startMoto } from "../../packages/kiln/src/io/__fixtures__/moto-server.js";
import { type PostgresServer, startPostgres } from "../support/postgres-server.js";
import { kiln, type Result, repo } from "./kiln-process.js";

const CANARY = "tracking-CANARY-7f3e";
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "kiln-e2e-tracking-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** examples/hello with @kiln/tracking among its dependencies, the repository's node_modules linked in. */
async function project(name: string, files: Record<string, string> = {}): Promise<string> {
  const dir = join(work, name);
  const hello = join(repo, "examples/hello");
  for (const part of ["conf", "src"]) await cp(join(hello, part), join(dir, part), { recursive: true });
  const pkg = JSON.parse(await readFile(join(hello, "package.json"), "utf8"));
  pkg.dependencies["@kiln/tracking"] = "*";
  await writeFile(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  await symlink(join(repo, "node_modules"), join(dir, "node_modules"), "junction");
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const ok = (result: Result) => {
  expect(result.code, result.output).toBe(0);
  return result;
};
const json = (result: Result) => JSON.parse(ok(result).stdout);
const trackedId = (result: Result) => /Tracking run (\S+) in /.exec(result.stderr)?.[1];

// hello's metrics as tracking metrics, its summary logged as an artifact.
const TRACKED_CATALOG = [
  "metrics:",
  "  type: tracking.MetricsDataset",
  '  prefix: ""',
  "summary:",
  "  type: tracking.ArtifactDataset",
  "  artifact_path: reports",
  "  dataset: { type: text.TextDataset, filepath: data/08_reporting/summary.txt }",
  "",
].join("\n");

describe("a project with @kiln/tracking (SQLite)", () => {
  let dir: string;
  let first: Result;
  beforeAll(async () => {
    dir = await project("flights", {
      "conf/local/catalog.yml": TRACKED_CATALOG,
      "conf/local/credentials.yml": `vault:\n  token: ${CANARY}\n`,
    });
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
    git("init", "-q");
    git("add", "conf", "src", "package.json");
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "start");
    first = await kiln(dir, "run");
  });

  it("kiln tracking init writes the commented defaults once; --force replaces them", async () => {
    const init = ok(await kiln(dir, "tracking", "init"));
    expect(init.stdout).toBe(
      "Wrote conf/base/tracking.yml, every key at its default. Run kiln run, then kiln tracking runs.\n",
    );
    const text = await readFile(join(dir, "conf/base/tracking.yml"), "utf8");
    expect(text).toContain("uri: sqlite:///.kiln/tracking.db");
    expect(text).toContain("long_values: truncate");
    const again = await kiln(dir, "tracking", "init");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      "Error KILN_TRACKING_CONFIG_EXISTS: conf/base/tracking.yml exists already.",
    );
    ok(await kiln(dir, "tracking", "init", "--force"));
    ok(await kiln(dir, "tracking", "init", "--env", "staging"));
    expect(existsSync(join(dir, "conf/staging/tracking.yml"))).toBe(true);
    await rm(join(dir, "conf/staging"), { recursive: true });
  });

  it("records each kiln run under the session's run id: params, tags, nodes, lineage, logs", async () => {
    ok(first);
    const runId = trackedId(first)!;
    const [record] = (await readFile(join(dir, ".kiln/runs.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(record.runId).toBe(runId); // the two records join
    const run = json(await kiln(dir, "tracking", "show", runId, "--json", "--logs"));
    expect(run).toMatchObject({
      runId,
      runName: "__default__",
      experimentName: "hello",
      status: "FINISHED",
      errorMessage: null,
      params: { "data.rows": "10000", "data.noise": "0.5", test_every: "5" },
      metrics: { r2: expect.any(Number), mae: expect.any(Number) },
    });
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8" }).trim();
    expect(run.tags).toMatchObject({
      "kiln.pipeline": "__default__",
      "kiln.command": "kiln run",
      "kiln.env": "local",
      "kiln.runner": "SequentialRunner",
      "kiln.version": "0.1.0",
      "kiln.project": "hello",
      "kiln.git.commit": commit,
      "kiln.git.dirty": "true", // data/ and .kiln/ are untracked
    });
    expect(run.tags["kiln.user"]).toBeTruthy();
    expect(run.nodes.map((n: { name: string; status: string }) => `${n.name}:${n.status}`)).toEqual([
      "make_data:success",
      "split_data:success",
      "fit_line:success",
      "evaluate:success",
      "report:success",
    ]);
    expect(run.nodes.every((n: { durationMs: number }) => n.durationMs > 0)).toBe(true);
    expect(run.lineage).toContainEqual({
      node: "fit_line",
      dataset: "line",
      direction: "output",
      datasetType: "JSONDataset",
      location: "data/06_models/line.json",
      version: runId,
    });
    expect(run.lineage).toContainEqual(
      expect.objectContaining({ node: "report", dataset: "line", direction: "input", version: runId }),
    );
    expect(run.artifacts).toEqual([
      expect.objectContaining({ path: "reports/summary.txt", dataset: "summary" }),
    ]);
    const artifact = join(run.artifactUri, "reports/summary.txt");
    expect(await readFile(artifact, "utf8")).toBe(
      await readFile(join(dir, "data/08_reporting/summary.txt"), "utf8"),
    );
    const logs = run.logs.map((l: { message: string }) => l.message);
    expect(logs[0]).toBe(`Tracking run ${runId} in sqlite:///.kiln/tracking.db (experiment "hello").`);
    expect(logs).toContainEqual(expect.stringMatching(/^Completed 5 of 5 nodes: report \(/));
  });

  it("lists, filters, orders and compares runs; show prints every section", async () => {
    ok(await kiln(dir, "run", "--params", "data.noise=2"));
    ok(await kiln(dir, "run", "--params", "data.noise=4,test_every=4"));
    const noisy = json(
      await kiln(
        dir,
        "tracking",
        "runs",
        "--filter",
        "metrics.r2 < 0.9 and params.data.noise >= 2",
        "--order-by",
        "metrics.mae DESC",
        "--json",
      ),
    );
    expect(noisy.map((r: { params: Record<string, string> }) => r.params["data.noise"])).toEqual(["4", "2"]);
    const table = ok(await kiln(dir, "tracking", "runs", "--filter", "params.test_every = 4"));
    expect(table.stdout).toMatch(
      /^run +name +status +started \(UTC\) +duration +params\.test_every +metrics\.mae +metrics\.r2\n/,
    );
    expect(table.stdout).toContain("1 of 3 runs (experiment hello, sqlite:///.kiln/tracking.db)");
    expect(json(await kiln(dir, "tracking", "runs", "--limit", "1", "--json"))).toHaveLength(1);

    const [a, b] = noisy.map((r: { runId: string }) => r.runId);
    const compared = ok(await kiln(dir, "tracking", "compare", a, b));
    expect(compared.stdout).toMatch(/^\* +params\.data\.noise +4 +2$/m);
    expect(compared.stdout).toMatch(/^ +params\.data\.rows +10000 +10000$/m);
    expect(compared.stdout).toMatch(/^\* +metrics\.r2 /m);
    expect(compared.stdout).toContain("4 of 8 params and metrics differ (marked *).");
    const diff = json(await kiln(dir, "tracking", "compare", a, b, "--only-diff", "--json"));
    expect(Object.keys(diff.params).sort()).toEqual(["data.noise", "test_every"]);

    const shown = ok(await kiln(dir, "tracking", "show", a.slice(0, -1))); // a unique start of the id will do
    for (const heading of ["params (6)", "metrics (2)", "tags (", "nodes (5)", "lineage (", "artifacts (1)"])
      expect(shown.stdout).toContain(heading);
    expect(shown.stdout).toMatch(/^fit_line +-> +line +\S+Z +JSONDataset +data\/06_models\/line\.json$/m);
  });

  it("marks a failed run FAILED with the error, its failed node, and the nodes that ran", async () => {
    const failed = await kiln(dir, "run", "--params", "test_every=1");
    expect(failed.code).toBe(1);
    const run = json(await kiln(dir, "tracking", "show", trackedId(failed)!, "--json"));
    expect(run).toMatchObject({
      status: "FAILED",
      errorCode: "KILN_NODE_FAILED",
      errorMessage: expect.stringContaining(
        'Node "split_data" (function splitData) failed: RangeError: test_every must be an integer of at least 2, got 1',
      ),
    });
    expect(run.nodes.map((n: { name: string; status: string }) => `${n.name}:${n.status}`)).toEqual([
      "make_data:success",
      "split_data:failed",
    ]);
    expect(run.nodes[1].error).toContain("test_every must be an integer");
    expect(
      json(await kiln(dir, "tracking", "runs", "--filter", "attributes.status = 'FAILED'", "--json")),
    ).toHaveLength(1);
  });

  it("refuses a bad filter, a bad run id and a bad limit with what to fix", async () => {
    const filter = await kiln(dir, "tracking", "runs", "--filter", "metrics.r2 >> 1");
    expect(filter.code).toBe(2);
    expect(filter.stderr).toContain(
      "Error KILN_TRACKING_BAD_FILTER: --filter: expected a number or a quoted string ('text'), found \">\" at position 13:\n  metrics.r2 >> 1\n              ^",
    );
    const missing = await kiln(dir, "tracking", "show", "1999-01-01");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'Error KILN_TRACKING_RUN_NOT_FOUND: No run "1999-01-01" in sqlite:///.kiln/tracking.db.',
    );
    const ambiguous = await kiln(dir, "tracking", "show", "20");
    expect(ambiguous.stderr).toContain("Error KILN_TRACKING_AMBIGUOUS_RUN");
    const limit = await kiln(dir, "tracking", "runs", "--limit", "0");
    expect(limit.stderr).toContain(
      "Error KILN_TRACKING_BAD_OPTION: --limit must be a whole number of at least 1",
    );
    const experiment = await kiln(dir, "tracking", "runs", "--experiment", "helo");
    expect(experiment.stderr).toContain('Error KILN_TRACKING_UNKNOWN_EXPERIMENT: No experiment "helo"');
    expect(experiment.stderr).toContain('Did you mean "hello"?');
  });

  it("stops a run before any node when tracking.yml is wrong, naming file and line", async () => {
    await writeFile(join(dir, "conf/local/tracking.yml"), "params:\n  long_value: fail\n");
    try {
      const run = await kiln(dir, "run");
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        'Error KILN_TRACKING_BAD_CONFIG: Hook beforePipelineRun of plugin "@kiln/tracking" failed:',
      );
      expect(run.stderr).toContain(
        'conf/local/tracking.yml:2:15: unknown key "params.long_value" (did you mean "params.long_values"?)',
      );
      expect(run.stderr).not.toContain("Completed 1 of");
    } finally {
      await rm(join(dir, "conf/local/tracking.yml"));
    }
  });

  it("skips the pipelines tracking.yml names, and everything with enabled: false", async () => {
    const before = json(await kiln(dir, "tracking", "runs", "--json", "--limit", "100")).length;
    await writeFile(join(dir, "conf/local/tracking.yml"), "pipelines:\n  skip: [line_fit]\n");
    const skipped = ok(await kiln(dir, "run", "--pipeline", "line_fit"));
    expect(skipped.stderr).toContain(
      "Not tracking this run: pipeline line_fit is in pipelines.skip (tracking.yml).",
    );
    await writeFile(join(dir, "conf/local/tracking.yml"), "enabled: false\n");
    const off = ok(await kiln(dir, "run"));
    expect(trackedId(off)).toBeUndefined();
    await rm(join(dir, "conf/local/tracking.yml"));
    expect(json(await kiln(dir, "tracking", "runs", "--json", "--limit", "100"))).toHaveLength(before);
  });

  it("keeps a canary secret from credentials out of stored params, tags and logs, and out of CLI output", async () => {
    const failed = await kiln(dir, "run", "--params", `test_every=1,note=${CANARY}`);
    expect(failed.code).toBe(1);
    const id = trackedId(failed)!;
    const outputs = [
      await kiln(dir, "tracking", "show", id, "--json", "--logs"),
      await kiln(dir, "tracking", "show", id, "--logs"),
      await kiln(dir, "tracking", "runs", "--json", "--limit", "100"),
      await kiln(dir, "tracking", "compare", id, trackedId(first)!),
    ];
    const shown = JSON.parse(outputs[0]!.stdout);
    expect(shown.params.note).toBe("***");
    expect(shown.tags["kiln.command"]).toBe("kiln run --params test_every=1,note=***");
    expect(shown.logs.some((l: { message: string }) => l.message.includes("note=***"))).toBe(true); // the resume hint
    for (const out of outputs) expect(out.output).not.toContain(CANARY);
    const store = await readdir(join(dir, ".kiln"));
    for (const file of store.filter((f) => f.startsWith("tracking.db")))
      expect((await readFile(join(dir, ".kiln", file))).includes(CANARY), file).toBe(false);
  });

  it("loses no run when five kiln run processes write the store at once", async () => {
    const before = json(await kiln(dir, "tracking", "runs", "--json", "--limit", "1000")).length;
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((seed) => kiln(dir, "run", "--params", `data.seed=${seed}`)),
    );
    for (const r of results) ok(r);
    const ids = results.map(trackedId);
    expect(new Set(ids).size).toBe(5);
    const all = json(await kiln(dir, "tracking", "runs", "--json", "--limit", "1000"));
    expect(all).toHaveLength(before + 5);
    const mine = all.filter((r: { runId: string }) => ids.includes(r.runId));
    expect(mine.map((r: { params: Record<string, string> }) => r.params["data.seed"]).sort()).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
    ]);
    expect(
      mine.every(
        (r: { status: string; metrics: { r2?: number } }) =>
          r.status === "FINISHED" && r.metrics.r2 !== undefined,
      ),
    ).toBe(true);
  });
});

describe("tracking into PostgreSQL, artifacts into S3", () => {
  let server: PostgresServer;
  let moto: Moto | undefined;
  let dir: string;
  const skipS3 = process.env.KILN_SKIP_S3 === "1";
  beforeAll(async () => {
    server = await startPostgres({ password: CANARY });
    const credentials = [`team_db:\n  con: "${server.url}"`];
    const tracking = ["store:", "  credentials: team_db", "experiment:", "  name: team"];
    if (!skipS3) {
      moto = await startMoto();
      const client = new S3Client({
        endpoint: moto.endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      });
      await client.send(new CreateBucketCommand({ Bucket: "runs" }));
      client.destroy();
      credentials.push(`s3_runs:\n  key: testing\n  secret: testing\n  endpoint_url: ${moto.endpoint}`);
      tracking.push("artifacts:", "  location: s3://runs/team", "  credentials: s3_runs");
    }
    dir = await project("team", {
      "conf/local/catalog.yml": TRACKED_CATALOG,
      "conf/local/credentials.yml": `${credentials.join("\n")}\n`,
      "conf/base/tracking.yml": `${tracking.join("\n")}\n`,
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await moto?.stop();
  });

  it("loses no run when five kiln run processes write one PostgreSQL store at once, and never shows its password", async () => {
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((seed) => kiln(dir, "run", "--params", `data.seed=${seed}`)),
    );
    for (const r of results) {
      ok(r);
      expect(r.stderr).toMatch(
        /Tracking run \S+ in postgresql:\/\/kiln:\*\*\*@127\.0\.0\.1:\d+\/kiln \(experiment "team"\)/,
      );
    }
    const listed = await kiln(dir, "tracking", "runs", "--json");
    const runs = json(listed);
    expect(runs).toHaveLength(5);
    expect(runs.map((r: { params: Record<string, string> }) => r.params["data.seed"]).sort()).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
    ]);
    expect(runs.every((r: { status: string }) => r.status === "FINISHED")).toBe(true);
    const table = ok(await kiln(dir, "tracking", "runs"));
    for (const out of [...results, listed, table]) expect(out.output).not.toContain(CANARY);
    const run = json(await kiln(dir, "tracking", "show", runs[0].runId, "--json"));
    expect(run.nodes).toHaveLength(5);
    if (!skipS3) {
      expect(run.artifactUri).toBe(`s3://runs/team/${run.experimentId}/${run.runId}/artifacts`);
      const client = new S3Client({
        endpoint: moto!.endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      });
      const listedObjects = await client.send(new ListObjectsV2Command({ Bucket: "runs", Prefix: "team/" }));
      client.destroy();
      const keys = (listedObjects.Contents ?? []).map((o) => o.Key);
      expect(keys).toHaveLength(5);
      expect(keys).toContain(`team/${run.experimentId}/${run.runId}/artifacts/reports/summary.txt`);
    }
  });
});
