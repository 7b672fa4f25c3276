import { existsSync } from "node:fs";
import { mkdir, readdir, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { didYouMean } from "../utils/index.js";
import { ProjectError, type ProjectMetadata } from "./find-project.js";
import { checkPipelineName } from "./project-names.js";
import { readTemplate, renderTemplate, type TemplateFile } from "./render-template.js";
import { TEMPLATES_DIR } from "./starters.js";

/** Options of {@link createPipelineFiles} and {@link deletePipelineFiles}. */
export interface PipelineScaffoldOptions {
  project: ProjectMetadata;
  /** The pipeline name: snake_case, the folder under `<sourceDir>/pipelines/`. */
  name: string;
  /** Where templates are read from (default: the kiln package's `templates/`). */
  templatesDir?: string;
}

/**
 * The files `kiln pipeline create NAME` writes, paths relative to the project: `nodes.ts` and
 * `pipeline.ts` in `<sourceDir>/pipelines/NAME/`, `conf/base/parameters_NAME.yml` and
 * `tests/pipelines/NAME.test.ts`.
 */
export async function renderPipeline(options: PipelineScaffoldOptions): Promise<TemplateFile[]> {
  checkPipelineName(options.name);
  const template = await readTemplate(join(options.templatesDir ?? TEMPLATES_DIR, "pipeline"));
  return renderTemplate(template, { pipelineName: options.name, sourceDir: options.project.sourceDir }).sort(
    (a, b) => (a.path < b.path ? -1 : 1),
  );
}

const local = (project: ProjectMetadata, path: string) => join(project.root, ...path.split("/"));

/**
 * Writes a new pipeline's files (see {@link renderPipeline}); the project's `findPipelines()`
 * registry picks it up without further edits. Returns the paths written.
 * @throws ProjectError `KILN_PROJECT_BAD_PIPELINE_NAME`, or `KILN_PROJECT_PIPELINE_EXISTS` when any of
 * the files (or a non-empty pipeline folder) is already there — nothing is written then.
 */
export async function createPipelineFiles(options: PipelineScaffoldOptions): Promise<string[]> {
  const { project, name } = options;
  const files = await renderPipeline(options);
  const folder = join(project.root, project.sourceDir, "pipelines", name);
  const taken = files.map((f) => f.path).filter((path) => existsSync(local(project, path)));
  if (taken.length === 0 && existsSync(folder) && (await readdir(folder)).length > 0) {
    taken.push(`${project.sourceDir}/pipelines/${name}/`);
  }
  if (taken.length > 0) {
    throw new ProjectError(
      "KILN_PROJECT_PIPELINE_EXISTS",
      `Pipeline "${name}" already exists: ${taken.join(", ")}.`,
      {
        hint: `Pick another name, or remove it first with \`kiln pipeline delete ${name} --yes\`.`,
      },
    );
  }
  for (const file of files) {
    const target = local(project, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content, { flag: "wx" });
  }
  return files.map((f) => f.path);
}

/** What {@link deletePipelineFiles} did. */
export interface DeletedPipeline {
  /** The files removed, relative to the project. */
  removed: string[];
  /** Files left in the pipeline's folder that `kiln pipeline create` did not make. */
  kept: string[];
}

async function pipelineFolders(project: ProjectMetadata): Promise<string[]> {
  try {
    const dir = join(project.root, project.sourceDir, "pipelines");
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

/**
 * Removes exactly the files `kiln pipeline create NAME` makes (those still there), then the
 * pipeline's folder if nothing else is in it. Catalog entries are left alone.
 * @param options.yes must be true: without it nothing is removed (the CLI never prompts).
 * @throws ProjectError `KILN_PROJECT_PIPELINE_NOT_FOUND` (with a did-you-mean),
 * `KILN_PROJECT_DELETE_UNCONFIRMED` listing what would be removed.
 */
export async function deletePipelineFiles(
  options: PipelineScaffoldOptions & { yes?: boolean },
): Promise<DeletedPipeline> {
  const { project, name } = options;
  const paths = (await renderPipeline(options)).map((f) => f.path);
  const present = paths.filter((path) => existsSync(local(project, path)));
  if (present.length === 0) {
    const folders = await pipelineFolders(project);
    throw new ProjectError(
      "KILN_PROJECT_PIPELINE_NOT_FOUND",
      `The project has no pipeline "${name}" to delete.`,
      {
        hint:
          didYouMean(name, folders) ??
          (folders.length > 0
            ? `Pipelines in ${project.sourceDir}/pipelines/: ${folders.join(", ")}.`
            : `${project.sourceDir}/pipelines/ has no pipelines.`),
      },
    );
  }
  if (!options.yes) {
    throw new ProjectError(
      "KILN_PROJECT_DELETE_UNCONFIRMED",
      `Deleting pipeline "${name}" would remove:\n  ${present.join("\n  ")}`,
      { hint: `Nothing was removed. Run \`kiln pipeline delete ${name} --yes\` to remove these files.` },
    );
  }
  for (const path of present) await rm(local(project, path));
  const folder = join(project.root, project.sourceDir, "pipelines", name);
  const kept = existsSync(folder) ? (await readdir(folder, { recursive: true })).map(String).sort() : [];
  if (existsSync(folder) && kept.length === 0) await rmdir(folder);
  return {
    removed: present,
    kept: kept.map((f) => `${project.sourceDir}/pipelines/${name}/${f.replaceAll("\\", "/")}`),
  };
}
