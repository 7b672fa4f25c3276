import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { globToRegExp } from "./glob.js";

/** File extensions the loader reads, as Kedro's OmegaConfigLoader does. */
export const CONFIG_EXTENSIONS = [".yml", ".yaml", ".json"] as const;

async function listFiles(root: string, relative: string, out: string[], depth = 0): Promise<void> {
  // Bounded so a symbolic link to a parent folder cannot recurse for ever.
  if (depth > 32) return;
  const entries = await readdir(join(root, relative), { withFileTypes: true });
  for (const entry of entries) {
    // Hidden files and folders (`.ipynb_checkpoints`, editor swap files) are never configuration.
    if (entry.name.startsWith(".")) continue;
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(join(root, path)).catch(() => undefined);
      isDirectory = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    if (isDirectory) await listFiles(root, path, out, depth + 1);
    else if (isFile) out.push(path);
  }
}

/**
 * The configuration files under `envDir` that match any of `patterns`, as paths relative to
 * `envDir` with `/` separators, sorted so merges are the same on every machine.
 */
export async function findConfigFiles(envDir: string, patterns: readonly string[]): Promise<string[]> {
  const all: string[] = [];
  await listFiles(envDir, "", all);
  const regexps = patterns.map(globToRegExp);
  return all
    .filter((path) => CONFIG_EXTENSIONS.some((ext) => path.endsWith(ext)))
    .filter((path) => regexps.some((re) => re.test(path)))
    .sort();
}
