// `kiln new` end to end: the real binary makes a project, `npm install` installs it (kiln from this
// checkout by its file: path, the rest from the registry), and the project's own tests, type check
// and `kiln run` pass. One install, reused by every case.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, kiln, type Result, repo } from "./kiln-process.js";

const TIMEOUT = 240_000;

const npm = (cwd: string, ...args: string[]) => exec("npm", args, cwd);
const npx = (cwd: string, ...args: string[]) => exec("npx", args, cwd);

let work: string;
let demo: string;
let created: Result;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "kiln-e2e-new-"));
  demo = join(work, "demo");
  created = await kiln(work, "new", "demo", "--example", "y");
  expect(created.code, created.output).toBe(0);
  const install = await npm(demo, "install", "--no-audit", "--no-fund");
  expect(install.code, install.output).toBe(0);
}, TIMEOUT);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("kiln new", { timeout: TIMEOUT }, () => {
  it("makes the project, says what it made and what to run next", async () => {
    expect(created.stdout).toContain(`Created demo in ${demo} (starter: default, example pipeline: weather)`);
    expect(created.stdout).toContain("  src/pipelines/weather/pipeline.ts\n");
    expect(created.stdout).toMatch(/Next:\n {2}cd demo\n {2}npm install\n {2}npm start {6}# kiln run\n$/);
    for (const layer of ["01_raw", "04_feature", "08_reporting"])
      expect(existsSync(join(demo, "data", layer, ".gitkeep"))).toBe(true);
    for (const path of ["conf/local/credentials.yml", "conf/logging.yml", "notebooks", "src/settings.ts"])
      expect(existsSync(join(demo, path)), path).toBe(true);
    const gitignore = await readFile(join(demo, ".gitignore"), "utf8");
    expect(gitignore).toContain("conf/local/**");
    expect(gitignore).toMatch(/^dist\/$/m); // where kiln package writes its archives
    const pkg = JSON.parse(await readFile(join(demo, "package.json"), "utf8"));
    expect(pkg.kiln).toMatchObject({ projectName: "demo", sourceDir: "src" });
    expect(pkg.dependencies.kiln).toBe(`file:${join(repo, "packages/kiln")}`);
  });

  it("gives a project whose own npm test and type check pass", async () => {
    const test = await npm(demo, "test");
    expect(test.code, test.output).toBe(0);
    expect(test.stdout).toContain("runs through KilnSession and writes its report");
    expect(test.stdout).toMatch(/ℹ fail 0/);
    const typecheck = await npm(demo, "run", "typecheck");
    expect(typecheck.code, typecheck.output).toBe(0);
  });

  it("gives a project where npx kiln run exits 0 and writes its outputs", async () => {
    const run = await npx(demo, "kiln", "run");
    expect(run.code, run.output).toBe(0);
    expect(run.stderr).toContain("Pipeline completed: 3 nodes");
    const report = await readFile(join(demo, "data/08_reporting/weather_report.txt"), "utf8");
    expect(report).toMatch(/^station +mean +min +max\n/);
    expect(
      JSON.parse(await readFile(join(demo, "data/03_primary/station_summaries.json"), "utf8")),
    ).toHaveLength(3);
    // The project's tests ran in copies: only this run wrote a run record.
    const records = (await readFile(join(demo, ".kiln/runs.jsonl"), "utf8")).trim().split("\n");
    expect(records).toHaveLength(1);
  });

  it("adds and removes pipelines with kiln pipeline create/delete", async () => {
    const made = await kiln(demo, "pipeline", "create", "cleaning");
    expect(made.code, made.output).toBe(0);
    expect(made.stdout).toContain("  src/pipelines/cleaning/pipeline.ts\n");
    const test = await npm(demo, "test");
    expect(test.code, test.output).toBe(0);
    expect(test.stdout).toContain("the cleaning pipeline runs through KilnSession");
    const run = await kiln(demo, "run", "--pipeline", "cleaning");
    expect(run.code, run.output).toBe(0);
    expect(run.stderr).toContain("Completed 1 of 1 nodes: cleaning_first_step");

    const again = await kiln(demo, "pipeline", "create", "cleaning");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("KILN_PROJECT_PIPELINE_EXISTS");
    const bad = await kiln(demo, "pipeline", "create", "Clean-Up");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('KILN_PROJECT_BAD_PIPELINE_NAME: "Clean-Up" cannot be a pipeline name');
    expect(bad.stderr).toContain('Try "clean_up".');

    const unconfirmed = await kiln(demo, "pipeline", "delete", "cleaning");
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain("KILN_PROJECT_DELETE_UNCONFIRMED");
    expect(unconfirmed.stderr).toContain("  tests/pipelines/cleaning.test.ts\n");
    expect(existsSync(join(demo, "src/pipelines/cleaning/pipeline.ts"))).toBe(true);

    const deleted = await kiln(demo, "pipeline", "delete", "cleaning", "--yes");
    expect(deleted.code, deleted.output).toBe(0);
    for (const path of [
      "src/pipelines/cleaning",
      "conf/base/parameters_cleaning.yml",
      "tests/pipelines/cleaning.test.ts",
    ])
      expect(existsSync(join(demo, path)), path).toBe(false);
    expect((await kiln(demo, "registry", "list")).stdout).toBe("- __default__\n- weather\n");
  });

  it("makes a project without the example (--example n) in --directory, which runs", async () => {
    const made = await kiln(work, "new", "plain", "--example", "n", "--directory", "sub");
    expect(made.code, made.output).toBe(0);
    const plain = join(work, "sub/plain");
    expect(made.stdout).toContain("  cd sub/plain\n");
    expect((await readdir(join(plain, "src/pipelines"))).sort()).toEqual([".gitkeep"]);
    expect(await readFile(join(plain, "conf/base/catalog.yml"), "utf8")).not.toContain("weather");
    // Same dependencies as demo: borrow its install.
    await symlink(join(demo, "node_modules"), join(plain, "node_modules"), "junction");
    const run = await kiln(plain, "run");
    expect(run.code, run.output).toBe(0);
    const test = await npm(plain, "test");
    expect(test.code, test.output).toBe(0);
  });

  it("reads project_name, output_dir and example_pipeline from --config", async () => {
    await writeFile(
      join(work, "new.yml"),
      "project_name: from-config\noutput_dir: configured\nexample_pipeline: yes\n",
    );
    const made = await kiln(work, "new", "--config", "new.yml");
    expect(made.code, made.output).toBe(0);
    expect(existsSync(join(work, "configured/from-config/src/pipelines/weather/nodes.ts"))).toBe(true);
  });

  it("lists the starters", async () => {
    const list = await kiln(work, "starter", "list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^default +The base project/m);
    expect(list.stdout).toMatch(/^spaceflights +Kedro's spaceflights tutorial in Kiln/m);
  });

  it("exits 2 for a bad name, an existing folder, an unknown starter or a bad --example", async () => {
    const name = await kiln(work, "new", "My Project");
    expect(name.code).toBe(2);
    expect(name.stderr).toContain('KILN_PROJECT_BAD_NAME: "My Project" cannot be a project name');
    expect(name.stderr).toContain('Try "my-project".');
    const exists = await kiln(work, "new", "demo");
    expect(exists.code).toBe(2);
    expect(exists.stderr).toContain(`KILN_PROJECT_EXISTS: ${demo} already exists`);
    const starter = await kiln(work, "new", "other", "--starter", "defualt");
    expect(starter.code).toBe(2);
    expect(starter.stderr).toContain('KILN_PROJECT_UNKNOWN_STARTER: There is no starter named "defualt".');
    expect(starter.stderr).toContain('Did you mean "default"?');
    const example = await kiln(work, "new", "other", "--example", "maybe");
    expect(example.code).toBe(2);
    expect(example.stderr).toContain("KILN_PROJECT_BAD_OPTION: --example must be y or n");
    expect(existsSync(join(work, "other"))).toBe(false);
  });
});
