import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { didYouMean, kilnPackageRoot, quoteList } from "../utils/index.js";
import { ProjectError } from "./find-project.js";

/** The kiln package folder (`packages/kiln` in a checkout, `node_modules/kiln` when installed). */
export const KILN_PACKAGE_ROOT = kilnPackageRoot();

/** Where the project templates ship: `templates/` beside `dist/` and `src/`. */
export const TEMPLATES_DIR = join(KILN_PACKAGE_ROOT, "templates");

/** The starter `kiln new` uses without `--starter`; the base every other starter is laid over. */
export const DEFAULT_STARTER = "default";

/** A starter: `templates/starters/<name>/`, described by its `starter.json`. */
export interface Starter {
  name: string;
  /** One line for `kiln starter list`. */
  description: string;
  /** The starter's folder. */
  dir: string;
  /** Added to the project's package.json (e.g. a starter's extra packages). */
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  /** package.json scripts it adds or replaces (e.g. `start`). */
  scripts: Record<string, string>;
}

/** The file that makes a folder under `templates/starters/` a starter; it is not copied. */
export const STARTER_MANIFEST = "starter.json";

async function readStarter(dir: string, name: string): Promise<Starter> {
  const file = join(dir, STARTER_MANIFEST);
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new ProjectError(
      "KILN_PROJECT_BAD_TEMPLATE",
      `${file} is not valid JSON: ${(error as Error).message}`,
      {
        hint: 'A starter.json is { "description": "one line" } (optionally "dependencies", "devDependencies", "scripts").',
      },
    );
  }
  const record = (value: unknown) =>
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]))
      : {};
  return {
    name,
    description: typeof manifest.description === "string" ? manifest.description : "",
    dir,
    dependencies: record(manifest.dependencies),
    devDependencies: record(manifest.devDependencies),
    scripts: record(manifest.scripts),
  };
}

/** The starters that ship with Kiln: `default` first, then by name. */
export async function listStarters(templatesDir: string = TEMPLATES_DIR): Promise<Starter[]> {
  const root = join(templatesDir, "starters");
  let names: string[];
  try {
    names = (await readdir(root, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && existsSync(join(root, e.name, STARTER_MANIFEST)))
      .map((e) => e.name);
  } catch {
    names = [];
  }
  names.sort((a, b) => (a === DEFAULT_STARTER ? -1 : b === DEFAULT_STARTER ? 1 : a < b ? -1 : 1));
  return Promise.all(names.map((name) => readStarter(join(root, name), name)));
}

/** @throws ProjectError `KILN_PROJECT_UNKNOWN_STARTER` with a did-you-mean. */
export async function findStarter(name: string, templatesDir: string = TEMPLATES_DIR): Promise<Starter> {
  const starters = await listStarters(templatesDir);
  const found = starters.find((s) => s.name === name);
  if (found) return found;
  const names = starters.map((s) => s.name);
  throw new ProjectError("KILN_PROJECT_UNKNOWN_STARTER", `There is no starter named "${name}".`, {
    hint: `${didYouMean(name, names) ?? `Starters: ${quoteList(names)}.`} \`kiln starter list\` describes them.`,
  });
}
