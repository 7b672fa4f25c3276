import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { TYPESCRIPT_FILE, typeScriptCacheFor } from "./typescript-cache.js";

// Run from its TypeScript sources (tests), Kiln is itself loaded by a loader that understands
// TypeScript (vitest, tsx); that loader then takes the project's files too, so both sides share one
// copy of every module (a project file importing Kiln's sources gets the same classes).
const loadedByTypeScriptLoader = import.meta.url.endsWith(".ts");

/**
 * Imports a module named the way config names it: a path relative to `fromDir` (`./src/x.ts`), an
 * absolute path, a URL, or a package name resolved from `fromDir`'s node_modules. TypeScript files
 * are compiled into the project's cache (`.kiln/cache/typescript/`) and imported from there.
 */
export async function importModule(specifier: string, fromDir: string): Promise<Record<string, unknown>> {
  let url = resolveModuleUrl(specifier, fromDir);
  if (url.startsWith("file:") && !loadedByTypeScriptLoader) {
    const parsed = new URL(url);
    const file = fileURLToPath(parsed);
    if (TYPESCRIPT_FILE.test(file)) url = (await typeScriptCacheFor(fromDir).moduleUrl(file)) + parsed.search;
  }
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    // Node names the compiled copy ("… imported from …/.kiln/cache/typescript/files/src/x.ts.mjs");
    // the user knows the source.
    if (error instanceof Error) error.message = sourcePathsIn(error.message);
    throw error;
  }
}

/**
 * The URL {@link importModule} would import for `specifier` (before compiling TypeScript): a file URL
 * for paths and installed packages, the specifier itself for URLs and packages only `import()` can
 * find. Lets one thread resolve a module that another thread (whose cwd may differ) then imports.
 */
export function resolveModuleUrl(specifier: string, fromDir: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier) && !/^[a-z]:[\\/]/i.test(specifier)) return specifier;
  if (specifier.startsWith(".") || isAbsolute(specifier))
    return pathToFileURL(resolve(fromDir, specifier)).href;
  try {
    return pathToFileURL(createRequire(join(fromDir, "package.json")).resolve(specifier)).href;
  } catch {
    return specifier; // an ESM-only package without a "require" condition: let import() find it
  }
}

/** `…/.kiln/cache/typescript/files/src/x.ts.mjs` → `…/src/x.ts` in a message. */
function sourcePathsIn(message: string): string {
  return message.replace(
    /([\\/])\.kiln[\\/]cache[\\/]typescript[\\/]files[\\/](\S+?\.[cm]?tsx?)\.mjs/g,
    "$1$2",
  );
}
