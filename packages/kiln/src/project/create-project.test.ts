import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { rejection } from "./__fixtures__/expect-rejection.js";
import { createProject, EXAMPLE_PIPELINE, kilnDependency, renderProject } from "./create-project.js";
import { KILN_PACKAGE_ROOT, listStarters, TEMPLATES_DIR } from "./starters.js";

const LAYERS = [
  "01_raw",
  "02_intermediate",
  "03_primary",
  "04_feature",
  "05_model_input",
  "06_models",
  "07_model_output",
  "08_reporting",
];
const version = (
  JSON.parse(await readFile(join(KILN_PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }
).version;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-new-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A templates folder holding the shipped default starter plus `extra` starters. */
async function templatesWith(extra: Record<string, Record<string, string>>): Promise<string> {
  const templates = join(dir, "templates");
  await cp(TEMPLATES_DIR, templates, { recursive: true });
  for (const [starter, files] of Object.entries(extra)) {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(templates, "starters", starter, path, ".."), { recursive: true });
      await writeFile(join(templates, "starters", starter, path), content);
    }
  }
  return templates;
}

describe("the shipped default template", () => {
  it("has Kedro's layout: conf, the 8 data layers, notebooks, src, tests", async () => {
    const project = await renderProject({ name: "demo", directory: dir });
    const paths = project.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        ".gitignore",
        "README.md",
        "conf/base/catalog.yml",
        "conf/base/parameters.yml",
        "conf/local/credentials.yml",
        "conf/logging.yml",
        ...LAYERS.map((layer) => `data/${layer}/.gitkeep`),
        "notebooks/.gitkeep",
        "package.json",
        "src/pipelines.ts",
        "src/pipelines/.gitkeep",
        "src/settings.ts",
        "tests/run.ts",
        "tsconfig.json",
      ]),
    );
    expect(paths).not.toContain("starter.json");
    expect(paths.filter((p) => p.startsWith("src/pipelines/") && p.endsWith(".ts"))).toEqual([]);
    expect(project).toMatchObject({
      root: join(dir, "demo"),
      starter: "default",
      examplePipeline: undefined,
    });
    for (const file of project.files) expect(file.content, file.path).not.toMatch(/\{\{/);
  });

  it("writes a package.json with the kiln field, the scripts and the kiln dependency", async () => {
    const project = await renderProject({ name: "demo", directory: dir });
    const pkg = JSON.parse(project.files.find((f) => f.path === "package.json")!.content);
    expect(pkg).toMatchObject({
      name: "demo",
      type: "module",
      private: true,
      kiln: { projectName: "demo", sourceDir: "src", kilnVersion: version },
      scripts: { start: "kiln run", test: "node --import tsx tests/run.ts", typecheck: "tsc --noEmit" },
      dependencies: { kiln: project.kilnDependency },
    });
    expect(Object.keys(pkg.devDependencies)).toEqual(["@types/node", "tsx", "typescript"]);
    // Run from this checkout (not from node_modules), so the dependency is the checkout's package.
    expect(project.kilnDependency).toBe(`file:${KILN_PACKAGE_ROOT.replaceAll("\\", "/")}`);
  });

  it("git-ignores data contents but keeps the layer folders, and conf/local", async () => {
    const project = await renderProject({ name: "demo", directory: dir });
    const ignore = project.files.find((f) => f.path === ".gitignore")!.content;
    expect(ignore.split("\n")).toEqual(
      expect.arrayContaining(["data/**", "!data/**/", "!data/**/.gitkeep", "conf/local/**", "node_modules/"]),
    );
  });

  it("adds the example pipeline, its parameters, catalog entries and test with example: true", async () => {
    const project = await renderProject({ name: "demo", directory: dir, example: true });
    const paths = project.files.map((f) => f.path);
    expect(project.examplePipeline).toBe(EXAMPLE_PIPELINE);
    expect(paths).toEqual(
      expect.arrayContaining([
        `src/pipelines/${EXAMPLE_PIPELINE}/nodes.ts`,
        `src/pipelines/${EXAMPLE_PIPELINE}/pipeline.ts`,
        `conf/base/parameters_${EXAMPLE_PIPELINE}.yml`,
        `tests/pipelines/${EXAMPLE_PIPELINE}.test.ts`,
      ]),
    );
    expect(project.files.find((f) => f.path === "conf/base/catalog.yml")!.content).toContain(
      "data/08_reporting/weather_report.txt",
    );
    expect(project.files.find((f) => f.path === "README.md")!.content).toContain(
      `npx kiln pipeline delete ${EXAMPLE_PIPELINE} --yes`,
    );
  });

  it("renders YAML and JSON files that parse", async () => {
    const project = await renderProject({ name: "demo", directory: dir, example: true });
    for (const file of project.files) {
      if (/\.ya?ml$/.test(file.path)) expect(() => parse(file.content), file.path).not.toThrow();
      if (file.path.endsWith(".json")) expect(() => JSON.parse(file.content), file.path).not.toThrow();
    }
    expect(parse(project.files.find((f) => f.path === "conf/logging.yml")!.content)).toEqual({
      level: "info",
      format: "text",
    });
  });
});

describe("kilnDependency", () => {
  it("is a version range for an installed kiln and a file: path for a checkout", () => {
    expect(kilnDependency("/app/node_modules/kiln", "1.2.3")).toBe("^1.2.3");
    expect(kilnDependency("C:\\app\\node_modules\\kiln", "1.2.3")).toBe("^1.2.3");
    expect(kilnDependency("/src/kiln/packages/kiln", "1.2.3")).toBe("file:/src/kiln/packages/kiln");
  });
});

describe("createProject", () => {
  it("writes the files into <directory>/<name> and returns them", async () => {
    const created = await createProject({ name: "demo", directory: dir, example: true });
    expect(created.root).toBe(join(dir, "demo"));
    for (const file of created.files) expect(existsSync(join(dir, "demo", file)), file).toBe(true);
    expect(await readFile(join(dir, "demo/.gitignore"), "utf8")).toContain("data/**");
    // The staging folder is gone and the project folder has the usual permissions, not mkdtemp's 0700.
    expect(await readdir(dir)).toEqual(["demo"]);
    if (process.platform !== "win32") expect((await stat(join(dir, "demo"))).mode & 0o077).not.toBe(0);
  });

  it("fills an existing empty folder but never a non-empty one", async () => {
    await mkdir(join(dir, "empty"));
    await createProject({ name: "empty", directory: dir });
    const error = await rejection(createProject({ name: "empty", directory: dir }));
    expect(error.code).toBe("KILN_PROJECT_EXISTS");
    expect(error.message).toContain(join(dir, "empty"));
    await writeFile(join(dir, "file"), "");
    expect((await rejection(createProject({ name: "file", directory: dir }))).code).toBe(
      "KILN_PROJECT_EXISTS",
    );
  });

  it("checks the name before touching the disk", async () => {
    const error = await rejection(createProject({ name: "Bad Name", directory: dir }));
    expect(error.code).toBe("KILN_PROJECT_BAD_NAME");
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("starters", () => {
  it("list default first, each with its description", async () => {
    const templates = await templatesWith({
      alpha: { "starter.json": '{ "description": "Alpha things" }' },
      "not-a-starter": { "README.md": "no starter.json here" },
    });
    const starters = await listStarters(templates);
    expect(starters.map((s) => [s.name, s.description])).toEqual([
      ["default", expect.stringContaining("base project")],
      ["alpha", "Alpha things"],
      ["spaceflights", expect.stringContaining("Kedro's spaceflights tutorial")],
    ]);
  });

  it("are laid over the base template, and may add dependencies", async () => {
    const templatesDir = await templatesWith({
      alpha: {
        "starter.json": '{ "description": "Alpha", "dependencies": { "zod": "^4.0.0" } }',
        "conf/base/catalog.yml": "alpha: {}\n",
        "src/pipelines/alpha/pipeline.ts": "// {{projectName}}\n",
      },
    });
    const project = await renderProject({ name: "demo", directory: dir, starter: "alpha", templatesDir });
    const file = (path: string) => project.files.find((f) => f.path === path)?.content;
    expect(file("conf/base/catalog.yml")).toBe("alpha: {}\n");
    expect(file("src/pipelines/alpha/pipeline.ts")).toBe("// demo\n");
    expect(file("conf/logging.yml")).toContain("level: info");
    expect(file("starter.json")).toBeUndefined();
    expect(JSON.parse(file("package.json")!).dependencies).toEqual({
      kiln: project.kilnDependency,
      zod: "^4.0.0",
    });
    const error = await rejection(
      renderProject({ name: "demo", directory: dir, starter: "alpha", example: true, templatesDir }),
    );
    expect(error.code).toBe("KILN_PROJECT_BAD_OPTION");
  });

  it("refuse an unknown starter with a did-you-mean", async () => {
    const error = await rejection(renderProject({ name: "demo", directory: dir, starter: "defualt" }));
    expect(error.code).toBe("KILN_PROJECT_UNKNOWN_STARTER");
    expect(error.message).toBe('There is no starter named "defualt".');
    expect(error.hint).toContain('Did you mean "default"?');
  });
});
