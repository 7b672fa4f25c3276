import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ProjectError } from "./find-project.js";

/** One file of a template: its path relative to the template folder (`/`-separated) and its text. */
export interface TemplateFile {
  path: string;
  content: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

/**
 * Template file names that become other names in the project. npm never packs a `.gitignore`
 * (it reads it as ignore rules instead), so templates ship it as `_gitignore`.
 */
const RENAMES: Readonly<Record<string, string>> = { _gitignore: ".gitignore" };

/**
 * Reads every file under `dir` as text, sorted by path.
 * @param skip names at the top of `dir` to leave out (a starter's `starter.json`).
 */
export async function readTemplate(dir: string, skip: readonly string[] = []): Promise<TemplateFile[]> {
  const entries = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const files: TemplateFile[] = [];
  for (const entry of entries) {
    // `parentPath` is Node ≥ 20.12; `path` is the older name of the same field.
    const parent = (entry as { parentPath?: string }).parentPath ?? (entry as { path: string }).path;
    const full = join(parent, entry.name);
    const path = full
      .slice(dir.length)
      .replace(/^[\\/]+/, "")
      .replaceAll("\\", "/");
    if (skip.includes(path)) continue;
    files.push({ path, content: await readFile(full, "utf8") });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Lays templates over each other: a file of a later layer replaces the earlier file at its path. */
export function layerTemplates(...layers: readonly TemplateFile[][]): TemplateFile[] {
  const byPath = new Map<string, TemplateFile>();
  for (const layer of layers) for (const file of layer) byPath.set(file.path, file);
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The placeholder names `text` uses, in order of first use. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Fills the `{{name}}` placeholders of the files' paths and contents from `vars`, and renames
 * `_gitignore` to `.gitignore`.
 * @throws ProjectError `KILN_PROJECT_BAD_TEMPLATE` listing every placeholder `vars` lacks, with its file.
 */
export function renderTemplate(
  files: readonly TemplateFile[],
  vars: Readonly<Record<string, string>>,
): TemplateFile[] {
  const unknown: string[] = [];
  const fill = (text: string, file: string) =>
    text.replace(PLACEHOLDER, (match, name: string) => {
      if (Object.hasOwn(vars, name)) return vars[name]!;
      unknown.push(`{{${name}}} in ${file}`);
      return match;
    });
  const rendered = files.map((file) => ({
    path: fill(file.path, file.path)
      .split("/")
      .map((part) => RENAMES[part] ?? part)
      .join("/"),
    content: fill(file.content, file.path),
  }));
  if (unknown.length > 0) {
    throw new ProjectError(
      "KILN_PROJECT_BAD_TEMPLATE",
      `The template uses placeholders Kiln does not fill: ${[...new Set(unknown)].join(", ")}.`,
      {
        hint: `Templates may use ${Object.keys(vars)
          .map((v) => `{{${v}}}`)
          .join(", ")}.`,
      },
    );
  }
  return rendered;
}
