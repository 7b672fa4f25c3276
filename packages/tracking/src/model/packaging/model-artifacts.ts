// The artifacts a model carries: the file each persisted training output was saved to in this run
// (the version this run wrote, for versioned datasets), copied byte for byte into the model folder,
// with a catalog entry that reads it from there and the dataset class the bundle must contain.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  createDefaultRegistry,
  type DataCatalog,
  type FileSystem,
  getFileSystem,
  isPattern,
  PatternResolver,
} from "kiln";
import { ModelError } from "../model-error.js";
import type { DatasetClassImport } from "./bundle-inference.js";

/** What the model folder gets for its artifacts. */
export interface ArtifactPlan {
  /** `artifacts/catalog.json`: dataset name → entry, file paths relative to the model folder. */
  catalog: Record<string, Record<string, unknown>>;
  /** Files to write, relative to the model folder. */
  files: Array<{ path: string; bytes: Uint8Array }>;
  /** Dataset types the bundle must carry (Kiln's core types need none). */
  datasetTypes: Record<string, DatasetClassImport>;
}

/** What a file-backed dataset offers (FileDataset's API; its file system is protected there). */
interface FileBacked {
  filepath?: string;
  /** Set for versioned datasets. */
  version?: { save?: string };
  lastSavedVersion?: string;
  versionPath?(version: string): string;
  fileSystem?(): Promise<FileSystem>;
}

const KEPT_OUT = new Set(["versioned", "credentials", "fs_args"]);

/** The catalog config entry that made `name`: its own, or its factory pattern's filled in. */
function configEntry(config: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const own = config[name];
  if (own !== null && typeof own === "object" && !Array.isArray(own)) return own as Record<string, unknown>;
  const patterns = Object.entries(config)
    .filter(([key, value]) => isPattern(key) && value !== null && typeof value === "object")
    .map(([pattern, value]) => ({ pattern, config: value as Record<string, unknown> }));
  return patterns.length > 0 ? new PatternResolver(patterns).resolve(name)?.config : undefined;
}

/** The Kiln plugins among the project's dependencies: package name → its main entry file. */
function pluginPackages(projectRoot: string): Array<[string, string]> {
  const require = createRequire(join(projectRoot, "package.json"));
  let deps: string[] = [];
  try {
    const pkg = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    deps = Object.keys(pkg.dependencies ?? {});
  } catch {
    return [];
  }
  return deps.flatMap((name) => {
    try {
      const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as {
        kiln?: { plugin?: string };
      };
      return manifest.kiln?.plugin ? [[name, require.resolve(name)] as [string, string]] : [];
    } catch {
      return [];
    }
  });
}

/** Where the bundle imports a plugin's dataset class from: the export of a plugin package that is it. */
async function locateClass(cls: unknown, typeName: string, projectRoot: string): Promise<DatasetClassImport> {
  const named = (cls as { name?: string }).name ?? "";
  for (const [pkg, entry] of pluginPackages(projectRoot)) {
    const mod = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
    const exportName =
      Object.keys(mod).find((k) => mod[k] === cls) ??
      // Another copy of the package (a test runner's): the same class by name.
      Object.keys(mod).find((k) => k === named && typeof mod[k] === "function");
    if (exportName) return { from: pkg, exportName };
  }
  throw new ModelError(
    "KILN_MODEL_ARTIFACT_TYPE",
    `Dataset type "${typeName}" (class ${named || "?"}) is exported by none of the project's Kiln plugins, so the model cannot carry it.`,
    {
      hint: "A plugin's dataset classes must be exported by name from its package; or declare the class in the project (type: ./src/datasets/my.ts#MyDataset).",
    },
  );
}

/** A dataset name as a folder name inside `artifacts/`. */
const folderOf = (name: string) => name.replace(/[^\w.@-]+/g, "_");

/**
 * Copies what the run saved for each artifact into the plan, with its catalog entry and class.
 * @throws ModelError `KILN_MODEL_ARTIFACT_NOT_FILE` for a dataset that is not one file from catalog.yml,
 * `KILN_MODEL_ARTIFACT_TYPE` for a class the bundle cannot import.
 */
export async function collectArtifacts(options: {
  names: readonly string[];
  catalog: DataCatalog;
  catalogConfig: Record<string, unknown>;
  projectRoot: string;
  /** Versions the run saved in other processes (its lineage), by dataset name. */
  savedVersions?: ReadonlyMap<string, string>;
}): Promise<ArtifactPlan> {
  const plan: ArtifactPlan = { catalog: {}, files: [], datasetTypes: {} };
  const core = createDefaultRegistry();
  for (const name of options.names) {
    const dataset = options.catalog.get(name) as unknown as FileBacked & { constructor: unknown };
    const entry = configEntry(options.catalogConfig, name);
    const type = entry?.type;
    if (!entry || typeof type !== "string" || typeof dataset.filepath !== "string") {
      throw new ModelError(
        "KILN_MODEL_ARTIFACT_NOT_FILE",
        `Dataset "${name}" is an input of the inference pipeline, but ${entry ? "it is not saved as one file" : "it has no entry in catalog.yml"}, so the model cannot carry it.`,
        {
          hint: `Declare it in conf/base/catalog.yml as a file dataset, e.g.\n  ${name}:\n    type: json.JSONDataset\n    filepath: data/06_models/${folderOf(name)}.json`,
        },
      );
    }
    const version = dataset.lastSavedVersion ?? options.savedVersions?.get(name);
    if (dataset.version && !version) {
      throw new ModelError(
        "KILN_MODEL_ARTIFACT_VERSION_UNKNOWN",
        `Dataset "${name}" is versioned, but which version this run saved is known neither here nor in the run's lineage, so the model cannot carry it.`,
        {
          hint: "Tracking records each saved version; check that the run's tracking store is reachable from every process that ran its nodes (the same store URI on every worker).",
        },
      );
    }
    const source = version && dataset.versionPath ? dataset.versionPath(version) : dataset.filepath;
    const fs = dataset.fileSystem ? await dataset.fileSystem() : await getFileSystem(source);
    const target = `artifacts/${folderOf(name)}/${basename(dataset.filepath)}`;
    plan.files.push({ path: target, bytes: await fs.read(source) });
    const copied = Object.fromEntries(Object.entries(entry).filter(([k]) => !KEPT_OUT.has(k)));
    copied.filepath = target;
    const hash = type.lastIndexOf("#");
    if (hash > 0) {
      // A project class (./src/datasets/x.ts#X): bundled from its file, registered under a plain name.
      const exportName = type.slice(hash + 1);
      const file = type.slice(0, hash);
      const registered = `project.${exportName}`;
      copied.type = registered;
      plan.datasetTypes[registered] = {
        from: isAbsolute(file) ? file : resolve(options.projectRoot, file),
        exportName,
      };
    } else if (core.canonical(type) === undefined && !plan.datasetTypes[type]) {
      plan.datasetTypes[type] = await locateClass(dataset.constructor, type, options.projectRoot);
    }
    plan.catalog[name] = copied;
  }
  return plan;
}
