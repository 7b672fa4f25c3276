import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { importModule } from "../utils/index.js";
import type { ProjectMetadata } from "./find-project.js";
import { moduleFile } from "./module-file.js";

/** A parameters schema a pipeline declares: any object with zod's `safeParse` (zod is what Kiln documents). */
export interface DeclaredSchema {
  /** The pipeline folder name (`src/pipelines/<name>`). */
  pipeline: string;
  file: string;
  schema: { safeParse(value: unknown): unknown };
}

/**
 * The schemas pipelines declare beside their code: `export const parameters = z.object({ … })` in
 * `src/pipelines/<name>/pipeline.ts`, describing the parameters that pipeline's nodes read.
 */
export async function findParameterSchemas(project: ProjectMetadata): Promise<DeclaredSchema[]> {
  const dir = join(project.root, project.sourceDir, "pipelines");
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
  const found: DeclaredSchema[] = [];
  for (const name of names.sort()) {
    const file = moduleFile(join(dir, name, "pipeline"));
    if (!file) continue;
    const schema = (await importModule(file, project.root)).parameters;
    if (
      schema !== null &&
      typeof schema === "object" &&
      typeof (schema as { safeParse?: unknown }).safeParse === "function"
    ) {
      found.push({ pipeline: name, file, schema: schema as DeclaredSchema["schema"] });
    }
  }
  return found;
}
