import { existsSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { CatalogError } from "../errors/index.js";
import { closestMatches, importModule, kilnPackageRoot } from "../utils/index.js";
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
  /**
   * The catalog's dataset types, for datasets that build others from a type name (a folder of
   * partitions, each one a dataset of the type its entry names).
   */
  registry?: DatasetTypeRegistry;
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

/**
 * Dataset families that other Kiln packages provide, to point users at the right install. Kedro's
 * `plotly.*` is not here: no Kiln package reads Plotly figures (docs/datasets.md).
 */
export const PROVIDED_ELSEWHERE: Readonly<Record<string, string>> = {
  pandas: "@kiln/datasets",
  polars: "@kiln/datasets",
  sql: "@kiln/datasets",
  partitions: "@kiln/datasets",
  plots: "@kiln/datasets",
  images: "@kiln/datasets",
  matplotlib: "@kiln/datasets",
  pillow: "@kiln/datasets",
  tracking: "@kiln/tracking",
  // kedro-mlflow's own names (kedro_mlflow.io.metrics.MlflowMetricDataset, …).
  kedro_mlflow: "@kiln/tracking",
};

/** Options of {@link DatasetTypeRegistry.register}. */
export interface RegisterOptions {
  /** Where the type comes from, for `kiln catalog list-types` and errors: `built-in` (default), `plugin "name"`, `settings`. */
  source?: string;
}

/** One registered type, as `kiln catalog list-types` shows it. */
export interface RegisteredType {
  name: string;
  /** Other names for it (Kedro's), sorted. */
  aliases: string[];
  source: string;
}

/**
 * Dataset types by short name (`json.JSONDataset`), with Kedro's names as aliases. Plugins and
 * projects register more; a catalog may also name a module export (`./src/datasets/my.ts#MyDataset`).
 */
export class DatasetTypeRegistry {
  readonly #types = new Map<string, { type: DatasetType; source: string }>();
  readonly #aliases = new Map<string, string>();

  /** Registers `type` under `name`. @throws CatalogError `KILN_CATALOG_TYPE_EXISTS` when the name is taken. */
  register(name: string, type: DatasetType | DatasetClass, options: RegisterOptions = {}): this {
    const source = options.source ?? "built-in";
    const taken = this.#types.get(name);
    const aliasOf = this.#aliases.get(name);
    if (taken || aliasOf !== undefined) {
      const owner = taken
        ? taken.source
        : `${this.#types.get(aliasOf!)?.source ?? "built-in"}, an alias of ${aliasOf}`;
      throw new CatalogError(
        "KILN_CATALOG_TYPE_EXISTS",
        `Dataset type "${name}"${options.source ? ` (from ${source})` : ""} is already registered (${owner}).`,
        {
          hint: "Give the new type a name of its own (e.g. prefix it with your plugin's name: acme.CSVDataset).",
        },
      );
    }
    this.#types.set(name, { type: typeof type === "function" ? datasetTypeFromClass(type) : type, source });
    return this;
  }

  /** Makes `alias` another name for the registered type `target`. */
  alias(alias: string, target: string): this {
    this.#aliases.set(alias, target);
    return this;
  }

  /** Every registered type with its aliases and where it comes from, sorted by name. */
  list(): RegisteredType[] {
    return [...this.#types]
      .map(([name, { source }]) => ({
        name,
        aliases: [...this.#aliases]
          .filter(([, target]) => target === name)
          .map(([alias]) => alias)
          .sort(),
        source,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
    if (name !== undefined) return this.#types.get(name)!.type;
    const family = type.replace(/^kedro_datasets\./, "").split(".")[0]!;
    const pkg = PROVIDED_ELSEWHERE[family];
    // A family with types registered is installed: a name it lacks is a typo, not a missing package.
    const installed = this.names().some((n) => n.startsWith(`${family}.`));
    if (pkg && !installed) throw typeNotInstalled(type, family, pkg, where);
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
        {
          hint: "Write copy_mode: assign, copy or deepcopy, or leave it out to pick one from the data's type.",
        },
      );
    }
    const metadata = config.metadata;
    if (
      metadata !== undefined &&
      (metadata === null || typeof metadata !== "object" || Array.isArray(metadata))
    ) {
      throw new CatalogError("KILN_CATALOG_BAD_ENTRY", "`metadata` must be a mapping.", {
        hint: "e.g. metadata: { kiln: { layer: raw } }",
      });
    }
    return new MemoryDataset(config.data, {
      ...(copyMode ? { copyMode } : {}),
      ...(metadata ? { metadata: metadata as Record<string, unknown> } : {}),
    });
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

/**
 * A type whose family another Kiln package brings. Kiln is not on the npm registry yet, so the hint
 * gives the package's folder in the Kiln checkout when it is there.
 */
function typeNotInstalled(type: string, family: string, pkg: string, where: string): CatalogError {
  const root = kilnPackageRoot();
  const folder = join(dirname(root), pkg.replace(/^@kiln\//, ""));
  const inCheckout =
    !root.split(/[\\/]/).includes("node_modules") && existsSync(join(folder, "package.json"));
  const fallback = `a registered type (kiln catalog list-types) or a dataset class of your own (type: ./src/datasets/my_dataset.ts#MyDataset)`;
  return new CatalogError(
    "KILN_CATALOG_TYPE_NOT_INSTALLED",
    `${where}: dataset type "${type}" comes with ${pkg}, which the project does not depend on.`,
    {
      hint: inCheckout
        ? `Add it to the project's dependencies ("${pkg}": "file:${folder.split(sep).join("/")}" from this Kiln checkout; kiln new --starter spaceflights makes a project that has it), then npm install.`
        : `Add ${pkg} to the project's dependencies and npm install (Kiln's ${family}.* types come with it); until then use ${fallback}.`,
    },
  );
}
