import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { findProject } from "kiln";
import { writeGenerated } from "../write-generated.js";
import { dockerfile, dockerignore } from "./dockerfile.js";

/** Options of {@link dockerInit}. */
export interface DockerInitOptions {
  /** A folder inside the project (default: the working directory). */
  projectPath?: string;
  /** Replace a Dockerfile or .dockerignore that Kiln did not write. */
  force?: boolean;
}

/** What {@link dockerInit} wrote, and what would stop the image from building. */
export interface DockerInitResult {
  files: string[];
  warnings: string[];
}

/** Problems `npm ci` in the image would have with this project. */
async function installWarnings(root: string): Promise<string[]> {
  const warnings: string[] = [];
  if (!existsSync(join(root, "package-lock.json"))) {
    warnings.push(
      "There is no package-lock.json beside package.json: npm ci needs one. Run npm install here first.",
    );
  }
  const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as Record<string, unknown>;
  const deps = {
    ...(pkg.dependencies as Record<string, string>),
    ...(pkg.devDependencies as Record<string, string>),
  };
  const local = Object.entries(deps).filter(([, spec]) => /^(file|link):/.test(String(spec)));
  if (local.length > 0) {
    warnings.push(
      `${local.map(([n, s]) => `${n} (${s})`).join(", ")} ${local.length === 1 ? "is a local path" : "are local paths"}, outside the build context: depend on a published version instead.`,
    );
  }
  return warnings;
}

/**
 * Writes the project's Dockerfile and .dockerignore (the image `kiln export` refers to).
 * @throws ExportError `KILN_EXPORT_FILE_EXISTS` for files Kiln did not write, unless `force`.
 */
export async function dockerInit(options: DockerInitOptions = {}): Promise<DockerInitResult> {
  const project = await findProject(options.projectPath ?? process.cwd());
  const files = new Map([
    [join(project.root, "Dockerfile"), dockerfile()],
    [join(project.root, ".dockerignore"), dockerignore()],
  ]);
  await writeGenerated(files, { root: project.root, ...(options.force ? { force: true } : {}) });
  return { files: ["Dockerfile", ".dockerignore"], warnings: await installWarnings(project.root) };
}
