import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

let tsxRegistered = false;

/** Makes `.ts` modules importable in this thread (no-op when already done, or under a TS-aware runner). */
export async function registerTypeScript(): Promise<void> {
  if (tsxRegistered) return;
  const { register } = await import("tsx/esm/api");
  register();
  tsxRegistered = true;
}

/**
 * Imports a module named the way config names it: a path relative to `fromDir` (`./src/x.ts`), an
 * absolute path, a URL, or a package name resolved from `fromDir`'s node_modules. `.ts` files load
 * through tsx.
 */
export async function importModule(specifier: string, fromDir: string): Promise<Record<string, unknown>> {
  let url: string;
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier) && !/^[a-z]:[\\/]/i.test(specifier)) url = specifier;
  else if (specifier.startsWith(".") || isAbsolute(specifier))
    url = pathToFileURL(resolve(fromDir, specifier)).href;
  else {
    try {
      url = pathToFileURL(createRequire(join(fromDir, "package.json")).resolve(specifier)).href;
    } catch {
      url = specifier; // an ESM-only package without a "require" condition: let import() find it
    }
  }
  if (/\.[cm]?tsx?$/.test(url)) await registerTypeScript();
  return (await import(url)) as Record<string, unknown>;
}
