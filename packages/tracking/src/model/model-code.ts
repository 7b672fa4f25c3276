// Importing a model folder's `code/inference.mjs` wherever the folder is. The module imports its
// native packages (nodejs-polars, …) by name, and a copied folder has no node_modules beside it: so
// the module is copied into a cache folder whose node_modules links each of those packages to the
// copy installed where the loader runs (or to the model's own node_modules after `npm ci` in it).
// Plain Node resolution then finds them, in any thread, with no loader hooks; and the loader and
// the model share one copy of each package (one DataFrame class).
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ModelError } from "./model-error.js";
import { packageOf } from "./packaging/native-packages.js";
import type { Predictor } from "./runtime.js";

/** What a model's `code/inference.mjs` exports. */
export interface ModelCode {
  inputName: string;
  outputName: string;
  createPredictor(options: { modelPath: string }): Promise<Predictor>;
}

/** Options of {@link importModelCode}. */
export interface ImportModelCodeOptions {
  /**
   * A file (path or `file:` URL; `import.meta.url`, a project's package.json) from whose folder the
   * model's native packages (its package.json `dependencies`) are resolved.
   */
  resolveFrom: string;
  /** Default: `KILN_MODEL_CACHE`, else `<tmp>/kiln-model-cache`. */
  cacheDir?: string;
}

/** Where loaded models' code and downloaded model folders are kept. */
export function modelCacheDir(): string {
  return process.env.KILN_MODEL_CACHE || join(tmpdir(), "kiln-model-cache");
}

/** The folder of an installed package, as `from` resolves it; undefined when it is not installed. */
function installedPackage(name: string, from: string): string | undefined {
  const require = createRequire(from);
  for (const request of [`${name}/package.json`, name]) {
    try {
      const resolved = require.resolve(request);
      return request.endsWith("package.json") ? dirname(resolved) : packageOf(resolved)?.root;
    } catch {
      // Not exported or not installed: try the next way.
    }
  }
  return undefined;
}

async function readDependencies(modelPath: string): Promise<Record<string, string>> {
  try {
    const pkg = JSON.parse(await readFile(join(modelPath, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    return pkg.dependencies ?? {};
  } catch {
    return {};
  }
}

/**
 * Imports the model's code module (`code` relative to `modelPath`) with its native packages linked
 * in from `options.resolveFrom` (or the model's own node_modules).
 * @throws ModelError `KILN_MODEL_MISSING_PACKAGE` when a native package is installed nowhere,
 * `KILN_MODEL_BAD_FOLDER` when the code is missing.
 */
export async function importModelCode(
  modelPath: string,
  code: string,
  options: ImportModelCodeOptions,
): Promise<ModelCode> {
  let source: Buffer;
  try {
    source = await readFile(join(modelPath, code));
  } catch (error) {
    throw new ModelError("KILN_MODEL_BAD_FOLDER", `The model folder ${modelPath} has no ${code}.`, {
      cause: error,
      hint: "Copy the whole model folder (MLmodel, code/, artifacts/, package.json).",
    });
  }
  const links: Array<[string, string]> = [];
  for (const [name, version] of Object.entries(await readDependencies(modelPath))) {
    const own = join(modelPath, "node_modules", name);
    const target = existsSync(join(own, "package.json")) ? own : installedPackage(name, options.resolveFrom);
    if (!target) {
      throw new ModelError(
        "KILN_MODEL_MISSING_PACKAGE",
        `The model at ${modelPath} needs ${name}@${version} (native code, not bundled into it), which is installed neither in the model folder nor where it is loaded from (${options.resolveFrom}).`,
        {
          hint: `Install it where Kiln runs (npm install ${name}@${version}), or run npm ci in the model folder (its package.json and package-lock.json list it).`,
        },
      );
    }
    links.push([name, target]);
  }
  const key = createHash("sha256").update(source).update(JSON.stringify(links)).digest("hex").slice(0, 24);
  const folder = join(options.cacheDir ?? modelCacheDir(), "code", key);
  const entry = join(folder, "inference.mjs");
  if (!existsSync(entry)) {
    // Built beside, then renamed: processes loading the same model at once never see half a folder.
    const temp = `${folder}.${randomUUID()}`;
    await mkdir(join(temp, "node_modules"), { recursive: true });
    for (const [name, target] of links) {
      await mkdir(dirname(join(temp, "node_modules", name)), { recursive: true });
      await symlink(target, join(temp, "node_modules", name), "junction");
    }
    await writeFile(join(temp, "inference.mjs"), source);
    await rename(temp, folder).catch(async (error: NodeJS.ErrnoException) => {
      await rm(temp, { recursive: true, force: true });
      if (!existsSync(entry)) throw error; // another process made it first: fine
    });
  }
  return (await import(/* @vite-ignore */ pathToFileURL(entry).href)) as ModelCode;
}
