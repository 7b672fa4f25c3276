// Which npm packages carry native code. Those cannot be bundled into a model's ES module: they stay
// external, imported by name, and whoever loads the model provides them (docs/models.md).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** A package's folder and manifest. */
export interface PackageInfo {
  root: string;
  name: string;
  version: string;
  manifest: Record<string, unknown>;
}

const PLATFORM_PACKAGE = /[-/](?:linux|darwin|win32|android|freebsd|openbsd|sunos|aix)-/;

const byFolder = new Map<string, PackageInfo | undefined>();

/** The package a resolved file belongs to: the nearest package.json above it that has a name. */
export function packageOf(file: string): PackageInfo | undefined {
  const folder = dirname(file);
  if (byFolder.has(folder)) return byFolder.get(folder);
  const found = findPackage(folder);
  byFolder.set(folder, found);
  return found;
}

function findPackage(start: string): PackageInfo | undefined {
  let dir = start;
  for (;;) {
    const manifestPath = join(dir, "package.json");
    if (existsSync(manifestPath)) {
      try {
        const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, unknown>;
        if (typeof manifest.name === "string")
          return { root: dir, name: manifest.name, version: String(manifest.version ?? "0.0.0"), manifest };
      } catch {
        // An unreadable manifest: keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** True when a folder holds a compiled addon (`*.node`), looking a few levels down, outside node_modules. */
function hasAddon(dir: string, depth: number): boolean {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    if (e.isFile() && e.name.endsWith(".node")) return true;
    if (e.isDirectory() && depth > 0 && e.name !== "node_modules" && !e.name.startsWith("."))
      if (hasAddon(join(dir, e.name), depth - 1)) return true;
  }
  return false;
}

const cache = new Map<string, boolean>();

/**
 * True for a package with native code: a node-gyp build (`binding.gyp`, `gypfile`), a
 * node-pre-gyp `binary` field, prebuilt binaries in per-platform optional packages (napi-rs:
 * nodejs-polars, esbuild), or a compiled `.node` file in its folder.
 */
export function isNativePackage(pkg: PackageInfo): boolean {
  const known = cache.get(pkg.root);
  if (known !== undefined) return known;
  const m = pkg.manifest;
  const optional = Object.keys((m.optionalDependencies as Record<string, string> | undefined) ?? {});
  const native =
    m.gypfile === true ||
    m.binary !== undefined ||
    m.napi !== undefined ||
    existsSync(join(pkg.root, "binding.gyp")) ||
    optional.some((name) => PLATFORM_PACKAGE.test(name)) ||
    hasAddon(pkg.root, 3);
  cache.set(pkg.root, native);
  return native;
}
