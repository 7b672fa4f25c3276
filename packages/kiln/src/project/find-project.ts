import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { KilnError } from "../errors/index.js";

/** What a project's package.json says about it under its `kiln` field. */
export interface ProjectMetadata {
  /** The project folder (where package.json is). */
  root: string;
  /** The project's name (`kiln.projectName`, else the package name). */
  name: string;
  /** The source folder, relative to root (default `src`). */
  sourceDir: string;
  /** The Kiln version that made the project. */
  kilnVersion: string | undefined;
}

/** A project could not be found or its files are wrong. */
export class ProjectError extends KilnError {}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ProjectError(
      "KILN_PROJECT_BAD_PACKAGE_JSON",
      `${path} is not valid JSON: ${(error as Error).message}`,
      {
        hint: "Fix the JSON syntax of package.json.",
      },
    );
  }
}

/**
 * Finds the Kiln project containing `start`: the nearest folder upwards whose package.json has a
 * `kiln` field.
 * @throws ProjectError `KILN_PROJECT_NOT_FOUND` when there is none.
 */
export async function findProject(start: string = process.cwd()): Promise<ProjectMetadata> {
  let dir = resolve(start);
  for (;;) {
    const pkg = await readJson(join(dir, "package.json"));
    if (pkg && typeof pkg.kiln === "object" && pkg.kiln !== null) {
      const kiln = pkg.kiln as Record<string, unknown>;
      return {
        root: dir,
        name: String(kiln.projectName ?? pkg.name ?? "project"),
        sourceDir: typeof kiln.sourceDir === "string" ? kiln.sourceDir : "src",
        kilnVersion: typeof kiln.kilnVersion === "string" ? kiln.kilnVersion : undefined,
      };
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new ProjectError("KILN_PROJECT_NOT_FOUND", `No Kiln project contains ${resolve(start)}.`, {
    hint: 'A Kiln project has a package.json with a "kiln" field. Create one with `kiln new my-project`, or cd into one.',
  });
}
