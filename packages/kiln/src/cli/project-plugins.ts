// A quick look, before `kiln --help`, at whether the project around the working directory may have
// plugins (and so commands to list): loading them means loading the project's settings and Kiln's
// core (~70 ms), which `kiln --help` should not pay outside projects or in projects without plugins.
// Only node built-ins and synchronous reads here; the real discovery is project/discover-plugins.ts.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

interface PackageJson {
  kiln?: { sourceDir?: unknown; plugin?: unknown } | null;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readJson(path: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as PackageJson;
  } catch {
    return undefined;
  }
}

/** The nearest folder upwards whose package.json has a `kiln` field, with that package.json. */
function findProject(start: string): { root: string; pkg: PackageJson } | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const pkg = readJson(join(dir, "package.json"));
    if (pkg && typeof pkg.kiln === "object" && pkg.kiln !== null) return { root: dir, pkg };
    if (dirname(dir) === dir) return undefined;
  }
}

/** The package.json of dependency `name` as Node finds it from `root`: the nearest node_modules upwards. */
function dependencyManifest(root: string, name: string): PackageJson | undefined {
  for (let dir = root; ; dir = dirname(dir)) {
    const manifest = readJson(join(dir, "node_modules", name, "package.json"));
    if (manifest) return manifest;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Whether an installed dependency declares a Kiln plugin (`"kiln": { "plugin": … }` in its package.json). */
function dependencyIsPlugin(root: string, pkg: PackageJson): boolean {
  const names = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
  for (const name of names) {
    if (typeof dependencyManifest(root, name)?.kiln?.plugin === "string") return true;
  }
  return false;
}

/**
 * Whether `src/settings.ts` may declare plugins, read as text. It says no only when it is sure: no
 * settings file, or one that imports nothing but `kiln` and node built-ins and mentions `plugins`
 * (outside comments) at most as `plugins: []`, as the project template's does.
 */
export function settingsMayDeclarePlugins(text: string): boolean {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const imports = [...code.matchAll(/\b(?:from|import|require)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]!);
  if (imports.some((spec) => spec !== "kiln" && !spec.startsWith("kiln/") && !spec.startsWith("node:")))
    return true;
  return /\bplugins\b/.test(code.replace(/\bplugins\s*:\s*\[\s*\]/g, ""));
}

/** Whether the project around `start` may have plugins: an installed plugin package, or settings that may declare some. */
export function mayHavePlugins(start: string): boolean {
  const project = findProject(start);
  if (!project) return false;
  if (dependencyIsPlugin(project.root, project.pkg)) return true;
  const sourceDir = typeof project.pkg.kiln?.sourceDir === "string" ? project.pkg.kiln.sourceDir : "src";
  for (const ext of [".ts", ".mts", ".js", ".mjs"]) {
    let text: string;
    try {
      text = readFileSync(join(project.root, sourceDir, `settings${ext}`), "utf8");
    } catch {
      continue;
    }
    return settingsMayDeclarePlugins(text);
  }
  return false;
}
