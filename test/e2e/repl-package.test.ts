// `kiln repl`, `kiln package` and `kiln run --conf-source <archive>`: the real binary, spawned in
// throwaway copies of the example project.
import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { x as extractTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeZip } from "../../packages/kiln/src/config/__fixtures__/zip-writer.js";

const repo = new URL("../..", import.meta.url).pathname;
const bin = join(repo, "packages/kiln/bin/kiln.js");
const CANARY = "canary-9f3c1e-do-not-ship";
let work: string;
let project: string;
/** The spawned processes' temp folder, to check extracted archives are removed. */
let temp: string;

function kiln(cwd: string, args: string[], input?: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    input: input ?? "",
    env: { ...process.env, KILN_ENV: "", TMPDIR: temp },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A copy of examples/hello (package.json, conf, src) with node_modules linked. */
async function copyOfHello(name: string): Promise<string> {
  const dir = join(work, name);
  for (const part of ["package.json", "conf", "src"])
    await cp(join(repo, "examples/hello", part), join(dir, part), { recursive: true });
  await symlink(join(repo, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** Extracted conf archives left in the spawned processes' temp folder (tsx keeps its cache there too). */
async function extracted(): Promise<string[]> {
  return (await readdir(temp)).filter((name) => name.startsWith("kiln-conf-"));
}

/** Every file under `dir`, relative, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "kiln-e2e-package-"));
  temp = join(work, "tmp");
  await mkdir(temp);
  project = await copyOfHello("hello");
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("kiln repl", () => {
  it("is listed in the help", () => {
    const help = kiln(project, ["--help"]).stdout;
    expect(help).toMatch(/repl .*REPL/);
    expect(help).toMatch(/package .*archive/);
  });

  it("evaluates piped lines with the project in scope, then exits 0", () => {
    const run = kiln(
      project,
      ["repl"],
      'await catalog.load("params:data.rows")\nObject.keys(pipelines).sort()\n',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("10000");
    expect(run.stdout).toContain("[ '__default__', 'line_fit' ]");
    expect(run.stderr).toContain("In scope:");
    for (const name of ["catalog", "context", "pipelines", "session", "reload()"])
      expect(run.stderr).toContain(name);
  });

  it("works interactively on a terminal: prompt, colored results, .exit", () => {
    // `script` gives the REPL a real pseudo-terminal; what is typed reaches it through the pty.
    // Node picks colors from the environment, and CI=true alone means "no colors"; this test
    // pins what a user's terminal gets, whatever machine runs it.
    const { CI, NO_COLOR, NODE_DISABLE_COLORS, FORCE_COLOR, ...userEnv } = process.env;
    const typed = 'await catalog.load("params:data.rows")\n.exit\n';
    const tty = spawnSync("script", ["-qfec", `${process.execPath} ${bin} repl`, "/dev/null"], {
      cwd: project,
      input: typed,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...userEnv, TERM: "xterm-256color" },
    });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toContain("kiln> ");
    expect(tty.stdout).toContain(`${String.fromCharCode(27)}[33m10000`); // a number, colored as on a terminal
  });

  it("takes --env and --params", () => {
    const run = kiln(
      project,
      ["repl", "--params", "data.rows=12"],
      'await catalog.load("params:data.rows")\n',
    );
    expect(run.stdout.trim()).toBe("12");
    const env = kiln(project, ["repl", "--env", "nope"], "1\n");
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("KILN_CONFIG_ENV_NOT_FOUND");
  });

  it("reload() re-imports edited code and new pipelines and re-reads conf", async () => {
    const dir = await copyOfHello("reload");
    const lines = [
      'const fs = await import("node:fs/promises")',
      '[...pipelines.line_fit.node("make_data").tags].join()',
      'const file = "src/pipelines/line_fit/pipeline.ts"',
      `await fs.writeFile(file, (await fs.readFile(file, "utf8")).replace('tags: ["data"] })', 'tags: ["data", "edited"] })'))`,
      'await fs.writeFile("conf/base/parameters.yml", (await fs.readFile("conf/base/parameters.yml", "utf8")).replace("rows: 10000", "rows: 77"))',
      'await fs.mkdir("src/pipelines/extra")',
      `await fs.writeFile("src/pipelines/extra/pipeline.ts", 'import { node, pipeline } from "kiln";\\nexport function createPipeline() { return pipeline([node({ func: (a: number) => a + 1, inputs: "a", outputs: "b", name: "plus_one" })]); }\\n')`,
      "await reload()",
      '[...pipelines.line_fit.node("make_data").tags].join()',
      "Object.keys(pipelines).sort().join()",
      'await catalog.load("params:data.rows")',
    ];
    const run = kiln(dir, ["repl"], `${lines.join("\n")}\n`);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual([
      "'data'",
      "'data,edited'",
      "'__default__,extra,line_fit'",
      "77",
    ]);
    expect(run.stderr).toMatch(/Reloaded project hello .* env local/);
    expect(run.stderr).toContain("code re-imported from src/");
  });
});

describe("kiln package and --conf-source archives", () => {
  let projectArchive: string;
  let confArchive: string;

  it("archives code and conf, leaving out conf/local and every credentials file", async () => {
    await writeFile(join(project, "conf/base/credentials.yml"), `db:\n  password: ${CANARY}\n`);
    await writeFile(join(project, "conf/local/credentials.yml"), `db:\n  password: ${CANARY}\n`);
    await writeFile(join(project, "conf/local/parameters.yml"), "data:\n  rows: 5\n");
    const packed = kiln(project, ["package"]);
    expect(packed.code).toBe(0);
    [projectArchive = "", confArchive = ""] = packed.stdout.trim().split("\n");
    expect(projectArchive).toBe(join(project, "dist/hello-0.1.0.tar.gz"));
    expect(confArchive).toBe(join(project, "dist/conf-hello.tar.gz"));

    const unpacked = join(work, "unpacked");
    await mkdir(unpacked);
    await extractTar({ file: projectArchive, cwd: unpacked });
    expect(await filesUnder(unpacked)).toEqual([
      "conf/base/catalog.yml",
      "conf/base/parameters.yml",
      "package.json",
      "src/pipelines.ts",
      "src/pipelines/line_fit/nodes.ts",
      "src/pipelines/line_fit/pipeline.ts",
    ]);
    const confOnly = join(work, "conf-only");
    await mkdir(confOnly);
    await extractTar({ file: confArchive, cwd: confOnly });
    expect(await filesUnder(confOnly)).toEqual(["conf/base/catalog.yml", "conf/base/parameters.yml"]);
    for (const archive of [projectArchive, confArchive]) {
      const bytes = spawnSync("gzip", ["-dc", archive]).stdout.toString();
      expect(bytes).not.toContain(CANARY);
    }
  });

  it("writes elsewhere with --output", async () => {
    const out = join(work, "out");
    const packed = kiln(project, ["package", "--output", out]);
    expect(packed.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["conf-hello.tar.gz", "hello-0.1.0.tar.gz"]);
  });

  it("runs the unpacked project with the conf tarball and no conf/ folder, then removes the copy", async () => {
    const elsewhere = join(work, "elsewhere");
    await mkdir(elsewhere);
    await extractTar({ file: projectArchive, cwd: elsewhere });
    await rm(join(elsewhere, "conf"), { recursive: true });
    await symlink(join(repo, "node_modules"), join(elsewhere, "node_modules"), "dir");
    const run = kiln(elsewhere, ["run", "--conf-source", confArchive]);
    expect(run.stderr).toContain("Pipeline completed: 5 nodes");
    expect(run.code).toBe(0);
    expect(await readFile(join(elsewhere, "data/08_reporting/summary.txt"), "utf8")).toContain("y = 2.995·x");
    expect(await extracted()).toEqual([]);
    // Without the archive there is no conf at all.
    expect(kiln(elsewhere, ["run"]).stderr).toContain("KILN_CONFIG_BASE_NOT_FOUND");
  });

  it("runs with a zip conf source holding the environment folders directly", async () => {
    const dir = await copyOfHello("zip");
    const zip = join(work, "conf.zip");
    const files: Record<string, string> = {};
    for (const name of ["catalog.yml", "parameters.yml"])
      files[`base/${name}`] = await readFile(join(dir, "conf/base", name), "utf8");
    files["local/parameters.yml"] = "test_every: 4\n";
    await writeFile(zip, makeZip(files));
    await rm(join(dir, "conf"), { recursive: true });
    const run = kiln(dir, ["run", "--conf-source", zip]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("Pipeline completed: 5 nodes");
    const every = kiln(dir, ["repl", "--conf-source", zip], 'await catalog.load("params:test_every")\n');
    expect(every.stdout.trim()).toBe("4");
    expect(await extracted()).toEqual([]);
  });

  it("exits 2 naming a corrupt or missing archive", async () => {
    const corrupt = join(work, "broken.tar.gz");
    await writeFile(corrupt, (await readFile(confArchive)).subarray(0, 40));
    const run = kiln(project, ["run", "--conf-source", corrupt]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `KILN_CONFIG_BAD_ARCHIVE: Could not extract the conf source archive ${corrupt}`,
    );
    const zip = join(work, "broken.zip");
    await writeFile(zip, "PK, but not a zip");
    const zipRun = kiln(project, ["run", "--conf-source", zip]);
    expect(zipRun.code).toBe(2);
    expect(zipRun.stderr).toContain(
      `KILN_CONFIG_BAD_ARCHIVE: Could not extract the conf source archive ${zip}`,
    );
    const missing = kiln(project, ["run", "--conf-source", join(work, "nope.tgz")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("KILN_CONFIG_ARCHIVE_NOT_FOUND");
    expect(await extracted()).toEqual([]);
  });
});
