import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Pipeline, pipeline } from "../pipeline/index.js";
import { didYouMean, importModule, quoteList } from "../utils/index.js";
import { ProjectError, type ProjectMetadata } from "./find-project.js";
import { moduleFile } from "./module-file.js";

/** The name of the pipeline `kiln run` runs without `--pipeline`. */
export const DEFAULT_PIPELINE = "__default__";

/** The file that registers the project's pipelines (`src/pipelines.ts`), for worker threads to import. */
export function registryFile(project: ProjectMetadata): string {
  const file = moduleFile(join(project.root, project.sourceDir, "pipelines"));
  if (!file) {
    throw new ProjectError(
      "KILN_PROJECT_NO_REGISTRY",
      `The project has no ${project.sourceDir}/pipelines.ts.`,
      {
        hint: "Create it with: export function registerPipelines() { return { __default__: …, …findPipelines() } }",
      },
    );
  }
  return file;
}

async function importProjectModule(file: string, root: string): Promise<Record<string, unknown>> {
  try {
    return await importModule(file, root);
  } catch (error) {
    throw new ProjectError("KILN_PROJECT_IMPORT", `Could not load ${file}: ${(error as Error).message}`, {
      cause: error,
      hint: "Fix the error in that file (run with --verbose for the stack).",
    });
  }
}

/** Calls a project function (`createPipeline`, `registerPipelines`), naming the file when it throws. */
async function callProjectFunction(fn: () => unknown, label: string, file: string): Promise<unknown> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ProjectError) throw error;
    throw new ProjectError(
      "KILN_PROJECT_CREATE_PIPELINE_FAILED",
      `${label} in ${file} threw: ${(error as Error).message}`,
      {
        cause: error,
        hint: "Fix the pipeline definition; the error above says what is wrong with it.",
      },
    );
  }
}

/**
 * Discovers `src/pipelines/<name>/pipeline.ts` files and calls each one's `createPipeline()`.
 * Returns the pipelines by folder name, sorted.
 */
export async function findPipelines(
  projectRoot: string,
  sourceDir = "src",
): Promise<Record<string, Pipeline>> {
  const dir = join(projectRoot, sourceDir, "pipelines");
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return {};
  }
  const found: Record<string, Pipeline> = {};
  for (const name of entries.sort()) {
    const file = moduleFile(join(dir, name, "pipeline"));
    if (!file) continue;
    const mod = await importProjectModule(file, projectRoot);
    const create = mod.createPipeline;
    if (typeof create !== "function") {
      throw new ProjectError(
        "KILN_PROJECT_NO_CREATE_PIPELINE",
        `${file} does not export a createPipeline() function.`,
        {
          hint: "export function createPipeline() { return pipeline([...]); }",
        },
      );
    }
    const made = await callProjectFunction(create as () => unknown, "createPipeline()", file);
    if (!(made instanceof Pipeline)) {
      throw new ProjectError(
        "KILN_PROJECT_NOT_A_PIPELINE",
        `createPipeline() in ${file} did not return a pipeline.`,
        {
          hint: "Return pipeline([...nodes]) from createPipeline().",
        },
      );
    }
    found[name] = made;
  }
  return found;
}

/**
 * Loads the project's pipelines: `registerPipelines()` of `src/pipelines.ts`. The result must name a
 * `__default__` pipeline.
 */
export async function loadPipelines(project: ProjectMetadata): Promise<Record<string, Pipeline>> {
  const file = registryFile(project);
  const mod = await importProjectModule(file, project.root);
  const register = mod.registerPipelines;
  if (typeof register !== "function") {
    throw new ProjectError(
      "KILN_PROJECT_NO_REGISTER_PIPELINES",
      `${file} does not export a registerPipelines() function.`,
      {
        hint: "export async function registerPipelines() { const found = await findPipelines(…); return { ...found, __default__: … }; }",
      },
    );
  }
  const registry = await callProjectFunction(register as () => unknown, "registerPipelines()", file);
  if (registry === null || typeof registry !== "object") {
    throw new ProjectError(
      "KILN_PROJECT_NOT_A_PIPELINE",
      `registerPipelines() in ${file} must return an object of pipelines.`,
    );
  }
  const result: Record<string, Pipeline> = {};
  for (const [name, value] of Object.entries(registry)) {
    if (!(value instanceof Pipeline)) {
      throw new ProjectError(
        "KILN_PROJECT_NOT_A_PIPELINE",
        `registerPipelines() in ${file}: "${name}" is not a pipeline.`,
        {
          hint: "Wrap node lists with pipeline([...]).",
        },
      );
    }
    result[name] = value;
  }
  if (!(DEFAULT_PIPELINE in result)) {
    throw new ProjectError(
      "KILN_PROJECT_NO_DEFAULT_PIPELINE",
      `registerPipelines() in ${file} has no "${DEFAULT_PIPELINE}" pipeline.`,
      {
        hint: `Add one, e.g. __default__: pipeline(Object.values(found)) (registered: ${quoteList(Object.keys(result)) || "none"}).`,
      },
    );
  }
  return result;
}

/** Picks a pipeline by name. @throws ProjectError with a did-you-mean. */
export function selectPipeline(
  pipelines: Record<string, Pipeline>,
  name: string = DEFAULT_PIPELINE,
): Pipeline {
  const found = pipelines[name];
  if (found) return found;
  throw new ProjectError("KILN_PROJECT_UNKNOWN_PIPELINE", `The project has no pipeline named "${name}".`, {
    hint:
      didYouMean(name, Object.keys(pipelines)) ??
      `Registered pipelines: ${quoteList(Object.keys(pipelines))}.`,
  });
}

/** Combines pipelines into one (for `__default__ = sum of all`). */
export function sumPipelines(pipelines: Record<string, Pipeline>): Pipeline {
  return pipeline(Object.values(pipelines));
}
