import { CatalogError } from "../errors/index.js";
import { closestMatches, importModule } from "../utils/index.js";
import type { Dataset } from "./dataset.js";
import { BinaryDataset } from "./datasets/binary-dataset.js";
import { JSONDataset } from "./datasets/json-dataset.js";
import { ObjectDataset } from "./datasets/object-dataset.js";
import { TextDataset } from "./datasets/text-dataset.js";
import { YAMLDataset } from "./datasets/yaml-dataset.js";
import { MemoryDataset } from "./memory-dataset.js";

/** What the catalog knows beyond a dataset's entry, handed to its constructor as the second argument. */
export interface DatasetContext {
  /**
   * The project folder. The catalog resolves `filepath` against it; datasets resolve other relative
   * paths with it (a SQLite file in a connection string).
   */
  projectPath?: string;
}

/** How a catalog `type:` becomes a dataset, and which entry keys and args it understands. */
export interface DatasetType {
  /** Builds the dataset from its catalog entry (without `type`/`versioned`; with `version` when versioned). */
  create(config: Record<string, unknown>, context?: DatasetContext): Dataset;
  /** Entry keys it accepts; when absent, any key is passed through unchecked. */
  configKeys?: readonly string[];
  loadArgs?: readonly string[];
  saveArgs?: readonly string[];
  /** Kedro arguments that mean nothing here: accepted with one warning. */
  kedroOnlyArgs?: readonly string[];
}

/** A dataset class whose constructor takes the catalog entry, with optional static key lists. */
export type DatasetClass = (new (
  config: any,
  context?: DatasetContext,
) => Dataset) &
  Omit<DatasetType, "create">;

/** Wraps a dataset class as a {@link DatasetType}. */
export function datasetTypeFromClass(cls: DatasetClass): DatasetType {
  const type: DatasetType = { create: (config, context) => new cls(config, context) };
  for (const key of ["configKeys", "loadArgs", "saveArgs", "kedroOnlyArgs"] as const) {
    if (cls[key] !== undefined) type[key] = cls[key];
  }
  return type;
}

/** Dataset families that other Kiln packages provide, to point users at the right install. */
const PROVIDED_ELSEWHERE: Record<string, string> = {
  pandas: "@kiln/datasets",
  polars: "@kiln/datasets",
  sql: "@kiln/datasets",
  partitions: "@kiln/datasets",
  plotly: "@kiln/datasets",
  matplotlib: "@kiln/datasets",
  pillow: "@kiln/datasets",
  tracking: "@kiln/tracking",
};

/**
 * Dataset types by short name (`json.JSONDataset`), with Kedro's names as aliases. Plugins and
 * projects register more; a catalog may also name a module export (`./src/datasets/my.ts#MyDataset`).
 */
export class DatasetTypeRegistry {
  readonly #types = new Map<string, DatasetType>();
  readonly #aliases = new Map<string, string>();

  /** Registers `type` under `name`. @throws CatalogError when the name is taken. */
  register(name: string, type: DatasetType | DatasetClass): this {
    if (this.#types.has(name) || this.#aliases.has(name)) {
      throw new CatalogError("KILN_CATALOG_TYPE_EXISTS", `Dataset type "${name}" is already registered.`, {
        hint: "Give the new type a name of its own (e.g. prefix it with your plugin's name).",
      });
    }
    this.#types.set(name, typeof type === "function" ? datasetTypeFromClass(type) : type);
    return this;
  }

  /** Makes `alias` another name for the registered type `target`. */
  alias(alias: string, target: string): this {
    this.#aliases.set(alias, target);
    return this;
  }

  /** Every name and alias, sorted. */
  names(): string[] {
    return [...this.#types.keys(), ...this.#aliases.keys()].sort();
  }

  /** The canonical name a type string refers to (after aliases and the `kedro_datasets.` prefix), if known. */
  canonical(type: string): string | undefined {
    const bare = type.replace(/^kedro_datasets\./, "").replace(/DataSet$/, "Dataset");
    const name = this.#aliases.get(bare) ?? bare;
    return this.#types.has(name) ? name : undefined;
  }

  /**
   * The type for a catalog `type:` string. `where` (file:line, dataset name) goes into errors.
   * @throws CatalogError `KILN_CATALOG_UNKNOWN_TYPE` with close matches.
   */
  async resolve(type: string, where: string, projectPath: string = process.cwd()): Promise<DatasetType> {
    const hash = type.lastIndexOf("#");
    if (hash > 0) return this.#fromModule(type.slice(0, hash), type.slice(hash + 1), where, projectPath);
    return this.resolveRegistered(type, where);
  }

  /** Like {@link resolve} for registered names only (no module import), so it can run synchronously. */
  resolveRegistered(type: string, where: string): DatasetType {
    const name = this.canonical(type);
    if (name !== undefined) return this.#types.get(name)!;
    const family = type.replace(/^kedro_datasets\./, "").split(".")[0]!;
    const pkg = PROVIDED_ELSEWHERE[family];
    if (pkg) {
      throw new CatalogError(
        "KILN_CATALOG_TYPE_NOT_INSTALLED",
        `${where}: dataset type "${type}" comes with ${pkg}, which is not registered.`,
        {
          hint: `Install it (npm install ${pkg}) and add it to your project's plugins.`,
        },
      );
    }
    const near = closestMatches(type, this.names());
    throw new CatalogError("KILN_CATALOG_UNKNOWN_TYPE", `${where}: unknown dataset type "${type}".`, {
      hint:
        (near.length > 0 ? `Did you mean ${near.map((n) => `"${n}"`).join(" or ")}? ` : "") +
        'Use a registered type (kiln catalog list-types) or a module export: "./src/datasets/my_dataset.ts#MyDataset".',
    });
  }

  async #fromModule(
    specifier: string,
    exportName: string,
    where: string,
    projectPath: string,
  ): Promise<DatasetType> {
    let mod: Record<string, unknown>;
    try {
      mod = await importModule(specifier, projectPath);
    } catch (error) {
      throw new CatalogError(
        "KILN_CATALOG_TYPE_IMPORT",
        `${where}: could not import "${specifier}": ${(error as Error).message}`,
        {
          cause: error,
          hint: "Module paths are relative to the project folder, e.g. ./src/datasets/my_dataset.ts#MyDataset.",
        },
      );
    }
    const value = mod[exportName];
    if (typeof value !== "function") {
      const classes = Object.keys(mod).filter((k) => typeof mod[k] === "function");
      throw new CatalogError(
        "KILN_CATALOG_UNKNOWN_TYPE",
        `${where}: "${specifier}" has no class export "${exportName}".`,
        {
          hint:
            classes.length > 0
              ? `Its exported classes and functions: ${classes.join(", ")}.`
              : "It exports no class.",
        },
      );
    }
    return datasetTypeFromClass(value as DatasetClass);
  }
}

const memoryType: DatasetType = {
  create: (config) => {
    const copyMode = config.copy_mode as "assign" | "copy" | "deepcopy" | undefined;
    if (copyMode !== undefined && !["assign", "copy", "deepcopy"].includes(copyMode)) {
      throw new CatalogError(
        "KILN_CATALOG_BAD_COPY_MODE",
        `copy_mode must be assign, copy or deepcopy, got ${JSON.stringify(copyMode)}.`,
      );
    }
    return new MemoryDataset(config.data, copyMode ? { copyMode } : {});
  },
  configKeys: ["data", "copy_mode", "metadata"],
};

/** A registry with Kiln's built-in types and Kedro's names for them. */
export function createDefaultRegistry(): DatasetTypeRegistry {
  return new DatasetTypeRegistry()
    .register("json.JSONDataset", JSONDataset)
    .register("yaml.YAMLDataset", YAMLDataset)
    .register("text.TextDataset", TextDataset)
    .register("binary.BinaryDataset", BinaryDataset)
    .register("object.ObjectDataset", ObjectDataset)
    .register("MemoryDataset", memoryType)
    .alias("pickle.PickleDataset", "object.ObjectDataset")
    .alias("kedro.io.MemoryDataset", "MemoryDataset")
    .alias("io.MemoryDataset", "MemoryDataset");
}
