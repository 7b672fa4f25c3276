// A model's environment, as MLflow keeps a Python model's requirements: `package.json` lists the
// packages the bundled code imports by name (native code) at the versions training used, and their
// per-platform binaries installed then as optional; `package-lock.json` is the part of the project's
// lockfile that installs exactly those (so `npm ci` in the model folder works); `node-version` is the
// Node.js that trained it.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { type PackageInfo, packageOf } from "./native-packages.js";

/** The files of a model's environment, by name. */
export type EnvironmentFiles = Record<"package.json" | "node-version", string> & {
  "package-lock.json"?: string;
};

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** The nearest package-lock.json at or above `dir`, parsed. */
function findLockfile(dir: string): { root: string; packages: Record<string, LockEntry> } | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const file = join(d, "package-lock.json");
    if (existsSync(file)) {
      try {
        const lock = JSON.parse(readFileSync(file, "utf8")) as { packages?: Record<string, LockEntry> };
        return lock.packages ? { root: d, packages: lock.packages } : undefined;
      } catch {
        return undefined;
      }
    }
    if (dirname(d) === d) return undefined;
  }
}

/** Where npm finds `name` for the package installed at `from` (a lockfile key): nested first, then up. */
function locate(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === "") return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut === -1 ? "" : base.slice(0, cut);
  }
}

/** A lockfile key as the model folder has it: from its first `node_modules/` on (workspace folders dropped). */
const inModel = (key: string) => key.slice(key.indexOf("node_modules/"));

/**
 * The lockfile of a package.json that depends on `externals`: their entries and those of everything
 * they install, copied from the project's lockfile. Undefined when the project has none or it lacks
 * one of them.
 */
export function lockfileFor(
  projectRoot: string,
  manifest: {
    name: string;
    version: string;
    dependencies: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  },
  externals: readonly PackageInfo[],
): string | undefined {
  const lock = findLockfile(projectRoot);
  if (!lock) return undefined;
  const picked = new Map<string, LockEntry>();
  const queue: string[] = [];
  for (const pkg of externals) {
    const key = relative(lock.root, pkg.root).split(sep).join("/");
    if (!lock.packages[key]) return undefined;
    queue.push(key);
  }
  while (queue.length > 0) {
    const key = queue.shift()!;
    if (picked.has(inModel(key))) continue;
    const entry = lock.packages[key]!;
    picked.set(inModel(key), entry);
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const found = locate(lock.packages, key, dep);
      if (found) queue.push(found);
    }
  }
  const packages: Record<string, unknown> = {
    "": manifest,
  };
  for (const key of [...picked.keys()].sort()) packages[key] = picked.get(key);
  return `${JSON.stringify({ name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
}

const PLATFORM_PACKAGE = /[-/](?:linux|darwin|win32|android|freebsd|openbsd|sunos|aix)-/;

/**
 * The per-platform binaries of `externals` that are installed (nodejs-polars-linux-x64-gnu): listed
 * beside them as the project lists them, since npm may skip an optional one whose engines do not match.
 */
function installedBinaries(externals: readonly PackageInfo[]): PackageInfo[] {
  const found: PackageInfo[] = [];
  for (const pkg of externals) {
    const optional = Object.keys((pkg.manifest.optionalDependencies as Record<string, string>) ?? {});
    const require = createRequire(join(pkg.root, "package.json"));
    for (const name of optional.filter((n) => PLATFORM_PACKAGE.test(n))) {
      try {
        const info = packageOf(require.resolve(`${name}/package.json`));
        if (info?.name === name) found.push(info);
      } catch {
        // Another platform's binary: not installed here.
      }
    }
  }
  return found;
}

/** The environment files of a model whose code imports `externals`. */
export function environmentFiles(options: {
  projectRoot: string;
  projectName: string;
  projectVersion: string;
  externals: readonly PackageInfo[];
}): EnvironmentFiles {
  const name = `${options.projectName
    .replace(/^@[^/]+\//, "")
    .replace(/[^a-z0-9._-]/gi, "-")
    .toLowerCase()}-model`;
  const binaries = installedBinaries(options.externals);
  const packages = [...options.externals, ...binaries];
  const dependencies = Object.fromEntries(options.externals.map((p) => [p.name, p.version]));
  const optionalDependencies = Object.fromEntries(binaries.map((p) => [p.name, p.version]));
  const manifest = {
    name,
    version: options.projectVersion,
    dependencies,
    ...(binaries.length > 0 ? { optionalDependencies } : {}),
  };
  const packageJson = {
    name,
    version: options.projectVersion,
    private: true,
    type: "module",
    description: `A Kiln model packaged from ${options.projectName}: code/inference.mjs, run by @kiln/serve.`,
    engines: { node: `>=${process.versions.node.split(".")[0]}` },
    dependencies,
    ...(binaries.length > 0 ? { optionalDependencies } : {}),
  };
  const lockfile = lockfileFor(options.projectRoot, manifest, packages);
  return {
    "package.json": `${JSON.stringify(packageJson, null, 2)}\n`,
    ...(lockfile ? { "package-lock.json": lockfile } : {}),
    "node-version": `${process.version}\n`,
  };
}
