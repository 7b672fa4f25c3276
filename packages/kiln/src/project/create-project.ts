import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { ProjectError } from "./find-project.js";
import { checkProjectName } from "./project-names.js";
import { layerTemplates, readTemplate, renderTemplate, type TemplateFile } from "./render-template.js";
import {
  DEFAULT_STARTER,
  findStarter,
  KILN_PACKAGE_ROOT,
  STARTER_MANIFEST,
  TEMPLATES_DIR,
} from "./starters.js";

/** The pipeline `--example y` adds (templates/example/). */
export const EXAMPLE_PIPELINE = "weather";

// Development tools every project gets: tsx runs its tests (the range Kiln develops with), TypeScript
// and Node's types let `npm run typecheck` and editors check it.
const DEV_TOOLS = { "@types/node": "^20.19.0", typescript: "^5.9.3" };

/** Options of {@link createProject}. */
export interface CreateProjectOptions {
  /** The project name: the folder, the npm package name and `kiln.projectName`. */
  name: string;
  /** A folder under templates/starters/ (default `default`). */
  starter?: string;
  /** Add the example pipeline (default false; only with the default starter). */
  example?: boolean;
  /** The folder to create the project folder in (default: the working directory). */
  directory?: string;
  /** Where templates are read from (default: the kiln package's `templates/`). */
  templatesDir?: string;
  /** The kiln package folder, which decides the kiln dependency (default: this package). */
  kilnPackageRoot?: string;
}

/** A project as {@link renderProject} lays it out, before anything is written. */
export interface RenderedProject {
  /** The folder the project goes into. */
  root: string;
  name: string;
  starter: string;
  /** The example pipeline's name, when there is one. */
  examplePipeline: string | undefined;
  /** What package.json names as the kiln dependency (`file:…` or `^x.y.z`). */
  kilnDependency: string;
  files: TemplateFile[];
}

/** What {@link createProject} made. */
export interface CreatedProject extends Omit<RenderedProject, "files"> {
  /** The files written, relative to `root`, sorted. */
  files: string[];
}

interface KilnManifest {
  version: string;
  devDependencies?: Record<string, string>;
}

function readManifest(packageRoot: string): KilnManifest {
  return JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as KilnManifest;
}

/**
 * How a new project depends on kiln: a version range when kiln runs from an installed package (a
 * path through node_modules), else — kiln runs from a source checkout — a `file:` path to that
 * checkout's package, so `npm install` works before (or without) kiln being on the registry.
 */
export function kilnDependency(packageRoot: string, version: string): string {
  const parts = packageRoot.split(/[\\/]/);
  if (parts.includes("node_modules")) return `^${version}`;
  return `file:${packageRoot.split(sep).join("/")}`;
}

/**
 * A starter's dependency on another Kiln package (`"@kiln/datasets": "kiln"` in starter.json) made
 * concrete like the kiln dependency: the same release's range when kiln is installed, else a
 * `file:` path to the package beside `packages/kiln` in the checkout (`packages/datasets`).
 */
export function kilnFamilyDependency(name: string, packageRoot: string, version: string): string {
  const dependency = kilnDependency(packageRoot, version);
  if (!dependency.startsWith("file:")) return dependency;
  const sibling = join(dirname(packageRoot), name.replace(/^@kiln\//, ""));
  return `file:${sibling.split(sep).join("/")}`;
}

/** Starter dependencies with the `kiln` marker replaced by {@link kilnFamilyDependency}. */
function resolveStarterDependencies(
  dependencies: Record<string, string>,
  packageRoot: string,
  version: string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(dependencies).map(([name, range]) => [
      name,
      range === "kiln" ? kilnFamilyDependency(name, packageRoot, version) : range,
    ]),
  );
}

function packageJson(options: {
  name: string;
  kilnVersion: string;
  kilnDependency: string;
  tsx: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
}): string {
  const sorted = (deps: Record<string, string>) =>
    Object.fromEntries(Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : 1)));
  const manifest = {
    name: options.name,
    version: "0.1.0",
    private: true,
    type: "module",
    description: `The ${options.name} Kiln project.`,
    kiln: { projectName: options.name, sourceDir: "src", kilnVersion: options.kilnVersion },
    scripts: {
      start: "kiln run",
      test: "node --import tsx tests/run.ts",
      typecheck: "tsc --noEmit",
      ...options.scripts,
    },
    engines: { node: ">=20" },
    dependencies: sorted({ kiln: options.kilnDependency, ...options.dependencies }),
    devDependencies: sorted({ ...DEV_TOOLS, tsx: options.tsx, ...options.devDependencies }),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function pipelinesNote(example: string | undefined): string {
  return example
    ? `\`src/pipelines/${example}\` is a small example pipeline (its parameters are in ` +
        `\`conf/base/parameters_${example}.yml\`, its datasets in \`conf/base/catalog.yml\`, its test in ` +
        `\`tests/pipelines/${example}.test.ts\`). Remove it with \`npx kiln pipeline delete ${example} --yes\`.`
    : "There are no pipelines yet: `npx kiln pipeline create <name>` adds one, with its parameters file and a test.";
}

/**
 * Lays out a new project without writing it: the starter over the base template, the example
 * pipeline when asked, placeholders filled, package.json made.
 * @throws ProjectError `KILN_PROJECT_BAD_NAME`, `KILN_PROJECT_UNKNOWN_STARTER`, `KILN_PROJECT_BAD_OPTION`.
 */
export async function renderProject(options: CreateProjectOptions): Promise<RenderedProject> {
  checkProjectName(options.name);
  const templatesDir = options.templatesDir ?? TEMPLATES_DIR;
  const starterName = options.starter ?? DEFAULT_STARTER;
  const starter = await findStarter(starterName, templatesDir);
  if (options.example && starterName !== DEFAULT_STARTER) {
    throw new ProjectError(
      "KILN_PROJECT_BAD_OPTION",
      `--example y adds an example to the default starter; the "${starterName}" starter brings its own code.`,
      { hint: `Drop --example, or use --starter ${DEFAULT_STARTER} --example y.` },
    );
  }
  const layers = [await readTemplate(join(templatesDir, "starters", DEFAULT_STARTER), [STARTER_MANIFEST])];
  if (starterName !== DEFAULT_STARTER) layers.push(await readTemplate(starter.dir, [STARTER_MANIFEST]));
  if (options.example) layers.push(await readTemplate(join(templatesDir, "example")));

  const packageRoot = options.kilnPackageRoot ?? KILN_PACKAGE_ROOT;
  const manifest = readManifest(packageRoot);
  const dependency = kilnDependency(packageRoot, manifest.version);
  const examplePipeline = options.example ? EXAMPLE_PIPELINE : undefined;
  const files = renderTemplate(layerTemplates(...layers), {
    projectName: options.name,
    kilnVersion: manifest.version,
    kilnDependency: dependency,
    pipelinesNote: pipelinesNote(examplePipeline),
  });
  files.push({
    path: "package.json",
    content: packageJson({
      name: options.name,
      kilnVersion: manifest.version,
      kilnDependency: dependency,
      tsx: manifest.devDependencies?.tsx ?? "^4.0.0",
      dependencies: resolveStarterDependencies(starter.dependencies, packageRoot, manifest.version),
      devDependencies: resolveStarterDependencies(starter.devDependencies, packageRoot, manifest.version),
      scripts: starter.scripts,
    }),
  });
  return {
    root: resolve(options.directory ?? process.cwd(), options.name),
    name: options.name,
    starter: starterName,
    examplePipeline,
    kilnDependency: dependency,
    files: layerTemplates(files),
  };
}

async function isEmptyFolder(path: string): Promise<boolean | undefined> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    return undefined; // does not exist
  }
  return info.isDirectory() && (await readdir(path)).length === 0;
}

/**
 * Creates a project folder from a starter (see {@link renderProject}). The files are written to a
 * staging folder beside the target and renamed into place, so a failure leaves nothing half-made.
 * @throws ProjectError `KILN_PROJECT_EXISTS` when the folder exists and is not empty, and the
 * errors of {@link renderProject}.
 */
export async function createProject(options: CreateProjectOptions): Promise<CreatedProject> {
  const project = await renderProject(options);
  const { root } = project;
  const empty = await isEmptyFolder(root);
  if (empty === false) {
    throw new ProjectError("KILN_PROJECT_EXISTS", `${root} already exists and is not an empty folder.`, {
      hint: "Choose another name, another --directory, or move that folder away; kiln new never overwrites.",
    });
  }
  const parent = dirname(root);
  let staging: string | undefined;
  try {
    await mkdir(parent, { recursive: true });
    staging = await mkdtemp(join(parent, `.${basename(root)}-kiln-new-`));
    // mkdtemp makes its folder private (0700); the project goes in a folder made with the usual mode.
    const made = join(staging, "project");
    for (const file of project.files) {
      const target = join(made, ...file.path.split("/"));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.content, { flag: "wx" });
    }
    if (empty) await rmdir(root);
    await rename(made, root);
    await rm(staging, { recursive: true, force: true });
  } catch (error) {
    if (staging) await rm(staging, { recursive: true, force: true });
    throw new ProjectError(
      "KILN_PROJECT_WRITE_FAILED",
      `Could not create ${root}: ${(error as Error).message}`,
      {
        cause: error,
        hint: "Check that the folder it goes in is writable, or pass --directory.",
      },
    );
  }
  return { ...project, files: project.files.map((f) => f.path) };
}
