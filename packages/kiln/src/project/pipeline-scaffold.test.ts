import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { rejection } from "./__fixtures__/expect-rejection.js";
import type { ProjectMetadata } from "./find-project.js";
import { createPipelineFiles, deletePipelineFiles, renderPipeline } from "./pipeline-scaffold.js";

const FILES = [
  "conf/base/parameters_cleaning.yml",
  "src/pipelines/cleaning/nodes.ts",
  "src/pipelines/cleaning/pipeline.ts",
  "tests/pipelines/cleaning.test.ts",
];

let project: ProjectMetadata;
beforeEach(async () => {
  const root = await mkdtemp(join(tmpdir(), "kiln-pipeline-"));
  project = { root, name: "demo", sourceDir: "src", kilnVersion: "0.1.0" };
});
afterEach(() => rm(project.root, { recursive: true, force: true }));

describe("kiln pipeline create", () => {
  it("renders the pipeline's files with its name and the project's source folder", async () => {
    const files = await renderPipeline({ project, name: "cleaning" });
    expect(files.map((f) => f.path)).toEqual(FILES);
    const byPath = Object.fromEntries(files.map((f) => [f.path, f.content]));
    expect(byPath["src/pipelines/cleaning/pipeline.ts"]).toContain('inputs: "params:cleaning"');
    expect(parse(byPath["conf/base/parameters_cleaning.yml"]!)).toEqual({ cleaning: { message: "hello" } });
    expect(byPath["tests/pipelines/cleaning.test.ts"]).toContain(
      'from "../../src/pipelines/cleaning/nodes.js"',
    );
    const other = await renderPipeline({ project: { ...project, sourceDir: "lib" }, name: "cleaning" });
    expect(other.map((f) => f.path)).toContain("lib/pipelines/cleaning/pipeline.ts");
    for (const file of files) expect(file.content).not.toMatch(/\{\{/);
  });

  it("writes them, and refuses to write over an existing pipeline", async () => {
    expect(await createPipelineFiles({ project, name: "cleaning" })).toEqual(FILES);
    for (const file of FILES) expect(existsSync(join(project.root, file)), file).toBe(true);
    const error = await rejection(createPipelineFiles({ project, name: "cleaning" }));
    expect(error.code).toBe("KILN_PROJECT_PIPELINE_EXISTS");
    expect(error.message).toContain("src/pipelines/cleaning/pipeline.ts");
  });

  it("refuses a non-empty pipeline folder and writes nothing when one file exists", async () => {
    await mkdir(join(project.root, "src/pipelines/other"), { recursive: true });
    await writeFile(join(project.root, "src/pipelines/other/helpers.ts"), "");
    expect((await rejection(createPipelineFiles({ project, name: "other" }))).message).toContain(
      "src/pipelines/other/",
    );
    await mkdir(join(project.root, "conf/base"), { recursive: true });
    await writeFile(join(project.root, "conf/base/parameters_third.yml"), "third: 1\n");
    await rejection(createPipelineFiles({ project, name: "third" }));
    expect(existsSync(join(project.root, "src/pipelines/third"))).toBe(false);
  });

  it("checks the name", async () => {
    expect((await rejection(createPipelineFiles({ project, name: "Bad-Name" }))).code).toBe(
      "KILN_PROJECT_BAD_PIPELINE_NAME",
    );
  });
});

describe("kiln pipeline delete", () => {
  beforeEach(() => createPipelineFiles({ project, name: "cleaning" }));

  it("without yes, says what it would remove and removes nothing", async () => {
    const error = await rejection(deletePipelineFiles({ project, name: "cleaning" }));
    expect(error.code).toBe("KILN_PROJECT_DELETE_UNCONFIRMED");
    expect(error.message).toBe(`Deleting pipeline "cleaning" would remove:\n  ${FILES.join("\n  ")}`);
    expect(error.hint).toContain("kiln pipeline delete cleaning --yes");
    for (const file of FILES) expect(existsSync(join(project.root, file))).toBe(true);
  });

  it("with yes, removes exactly those files and the folder when it is left empty", async () => {
    await writeFile(join(project.root, "conf/base/catalog.yml"), "x: {}\n");
    expect(await deletePipelineFiles({ project, name: "cleaning", yes: true })).toEqual({
      removed: FILES,
      kept: [],
    });
    for (const file of FILES) expect(existsSync(join(project.root, file))).toBe(false);
    expect(existsSync(join(project.root, "src/pipelines/cleaning"))).toBe(false);
    expect(await readFile(join(project.root, "conf/base/catalog.yml"), "utf8")).toBe("x: {}\n");
  });

  it("keeps files it did not make, and names them", async () => {
    await writeFile(join(project.root, "src/pipelines/cleaning/helpers.ts"), "");
    const result = await deletePipelineFiles({ project, name: "cleaning", yes: true });
    expect(result.kept).toEqual(["src/pipelines/cleaning/helpers.ts"]);
    expect(existsSync(join(project.root, "src/pipelines/cleaning/helpers.ts"))).toBe(true);
  });

  it("refuses an unknown pipeline with a did-you-mean", async () => {
    const error = await rejection(deletePipelineFiles({ project, name: "cleanin", yes: true }));
    expect(error.code).toBe("KILN_PROJECT_PIPELINE_NOT_FOUND");
    expect(error.hint).toBe('Did you mean "cleaning"?');
  });
});
