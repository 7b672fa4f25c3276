import { CatalogError, DatasetError, KilnError } from "../errors/index.js";
import { didYouMean } from "../utils/index.js";
import { type Dataset, isDataset } from "./dataset.js";
import { combineProblems } from "./entry-checks.js";
import { MemoryDataset } from "./memory-dataset.js";
import type { DatasetPattern, PatternResolver } from "./patterns.js";

/** Dataset factories: patterns plus how to build a dataset from a resolved pattern config. */
export interface DatasetFactories {
  resolver: PatternResolver;
  build(name: string, config: Record<string, unknown>, pattern: DatasetPattern): Dataset;
}

/** Options of {@link DataCatalog.add}. */
export interface AddOptions {
  /** Replace a dataset of the same name instead of failing. */
  replace?: boolean;
}

type Operation = "load" | "save" | "exists" | "release" | "confirm";

/**
 * Names → datasets. Every load and save goes through here, so that errors name the dataset and wrap
 * the dataset's own error as `cause`.
 *
 * @example
 * const catalog = new DataCatalog({ raw: new MemoryDataset(rows) });
 * const outputs = await new SequentialRunner().run(pipe, catalog);
 */
export class DataCatalog {
  readonly #datasets = new Map<string, Dataset>();
  #factories: DatasetFactories | undefined;

  constructor(datasets: Readonly<Record<string, Dataset>> = {}) {
    for (const [name, dataset] of Object.entries(datasets)) this.add(name, dataset);
  }

  /** Registers `dataset` under `name`. @throws CatalogError when the name is taken (unless `replace`). */
  add(name: string, dataset: Dataset, options: AddOptions = {}): this {
    if (!isDataset(dataset)) {
      throw new CatalogError(
        "KILN_CATALOG_NOT_A_DATASET",
        `"${name}" is not a dataset: it lacks load/save/exists/describe.`,
        {
          hint: "Wrap plain values with new MemoryDataset(value), or use catalog.addData({ name: value }).",
        },
      );
    }
    if (!options.replace && this.#datasets.has(name)) {
      throw new CatalogError(
        "KILN_CATALOG_DATASET_EXISTS",
        `The catalog already has a dataset named "${name}".`,
        {
          hint: "Pass { replace: true } to replace it.",
        },
      );
    }
    this.#datasets.set(name, dataset);
    return this;
  }

  /** Adds each value as a {@link MemoryDataset} (Kedro's `add_feed_dict`). */
  addData(values: Readonly<Record<string, unknown>>, options: AddOptions = {}): this {
    for (const [name, value] of Object.entries(values)) {
      this.add(name, isDataset(value) ? value : new MemoryDataset(value), options);
    }
    return this;
  }

  /**
   * Adds `parameters` (the whole object) and `params:<path>` for every nested key path, so nodes can
   * read `params:model_options.test_size`. Existing parameters are replaced.
   */
  addParameters(parameters: Readonly<Record<string, unknown>>): this {
    const add = (name: string, value: unknown) => this.add(name, new MemoryDataset(value), { replace: true });
    add("parameters", parameters);
    const walk = (prefix: string, value: unknown) => {
      add(`params:${prefix}`, value);
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) walk(`${prefix}.${k}`, v);
      }
    };
    for (const [k, v] of Object.entries(parameters)) walk(k, v);
    return this;
  }

  /** Resolves names that are not declared through these dataset factories (`"{name}_csv"` patterns). */
  setFactories(factories: DatasetFactories): this {
    this.#factories = factories;
    return this;
  }

  /** The factory patterns, in the order they are tried. */
  listPatterns(): DatasetPattern[] {
    return this.#factories?.resolver.list() ?? [];
  }

  /** Which pattern `name` matches and the config it resolves to (undefined for declared names or no match). */
  resolvePattern(name: string): { pattern: DatasetPattern; config: Record<string, unknown> } | undefined {
    if (this.#datasets.has(name)) return undefined;
    return this.#factories?.resolver.resolve(name);
  }

  /** True when `name` is declared or matches a dataset factory. */
  has(name: string): boolean {
    return this.#datasets.has(name) || this.resolvePattern(name) !== undefined;
  }

  /** The dataset registered as `name`. @throws CatalogError with a did-you-mean when there is none. */
  get(name: string): Dataset {
    const dataset = this.#datasets.get(name);
    if (dataset !== undefined) return dataset;
    const match = this.resolvePattern(name);
    if (match !== undefined) {
      const built = this.#factories!.build(name, match.config, match.pattern);
      this.#datasets.set(name, built);
      return built;
    }
    const tried = this.#factories
      ? ` No dataset factory matched either (tried ${this.#factories.resolver.describeTried()}).`
      : "";
    throw new CatalogError(
      "KILN_CATALOG_DATASET_NOT_FOUND",
      `The catalog has no dataset named "${name}".${tried}`,
      {
        hint:
          didYouMean(name, this.#datasets.keys()) ??
          "Declare it in the catalog (conf/base/catalog.yml) or add it with catalog.add().",
      },
    );
  }

  /**
   * Builds now every dataset among `names` that a factory provides (declared ones are built already;
   * names the catalog does not have are skipped), so that an entry its dataset refuses fails before
   * a run rather than when a node first uses it.
   * @throws CatalogError with every problem found (`KILN_CATALOG_INVALID` for several).
   */
  resolveAll(names: Iterable<string>): void {
    const problems: CatalogError[] = [];
    for (const name of names) {
      if (this.#datasets.has(name) || !this.has(name)) continue;
      try {
        this.get(name);
      } catch (error) {
        if (error instanceof CatalogError) problems.push(error);
        else throw error;
      }
    }
    if (problems.length > 0) throw combineProblems(problems);
  }

  /** Declared dataset names (and names already resolved through factories), sorted; with `pattern`, only those it matches (a RegExp, or a substring). */
  list(pattern?: string | RegExp): string[] {
    const names = [...this.#datasets.keys()].sort();
    if (pattern === undefined) return names;
    return names.filter((n) => (typeof pattern === "string" ? n.includes(pattern) : pattern.test(n)));
  }

  async load<T = unknown>(name: string): Promise<T> {
    const dataset = this.get(name);
    try {
      return (await dataset.load()) as T;
    } catch (error) {
      throw wrap(error, name, dataset, "load");
    }
  }

  async save(name: string, data: unknown): Promise<void> {
    const dataset = this.get(name);
    try {
      await dataset.save(data);
    } catch (error) {
      throw wrap(error, name, dataset, "save");
    }
  }

  /** False for names the catalog does not have (as Kedro's). */
  async exists(name: string): Promise<boolean> {
    if (!this.has(name)) return false;
    const dataset = this.get(name);
    try {
      return Boolean(await dataset.exists());
    } catch (error) {
      throw wrap(error, name, dataset, "exists");
    }
  }

  async release(name: string): Promise<void> {
    const dataset = this.#datasets.get(name);
    if (dataset?.release === undefined) return;
    try {
      await dataset.release();
    } catch (error) {
      throw wrap(error, name, dataset, "release");
    }
  }

  /**
   * Calls the dataset's `confirm()` (an incremental dataset saves its checkpoint).
   * @throws DatasetError `KILN_DATASET_NOT_CONFIRMABLE` when it has none.
   */
  async confirm(name: string): Promise<void> {
    const dataset = this.get(name);
    if (typeof dataset.confirm !== "function") {
      throw new DatasetError(
        "KILN_DATASET_NOT_CONFIRMABLE",
        `Dataset "${name}" (${String(dataset.describe().type ?? dataset.constructor.name)}) cannot be confirmed: it has no confirm().`,
        {
          hint: "Only datasets that keep a checkpoint (partitions.IncrementalDataset) can be named in a node's `confirms`.",
        },
      );
    }
    try {
      await dataset.confirm();
    } catch (error) {
      throw wrap(error, name, dataset, "confirm");
    }
  }

  /** Each dataset's `describe()`, by name. */
  describe(): Record<string, Record<string, unknown>> {
    return Object.fromEntries(this.list().map((n) => [n, this.#datasets.get(n)!.describe()]));
  }

  /** A new catalog with the same dataset objects, to add run-local datasets to without touching this one. */
  shallowCopy(): DataCatalog {
    const copy = new DataCatalog();
    for (const [name, ds] of this.#datasets) copy.#datasets.set(name, ds);
    copy.#factories = this.#factories;
    return copy;
  }
}

function wrap(error: unknown, name: string, dataset: Dataset, operation: Operation): KilnError {
  const type = String(dataset.describe().type ?? dataset.constructor.name);
  const reason = error instanceof Error ? error.message : String(error);
  const which = `dataset "${name}" (${type})`;
  const message = `Could not ${operation === "exists" ? `check whether ${which} exists` : `${operation} ${which}`}: ${reason}`;
  if (error instanceof KilnError) {
    const Kind = error.constructor as new (code: string, message: string, options: object) => KilnError;
    return new Kind(error.code, message, { hint: error.hint, cause: error });
  }
  const code =
    operation === "load"
      ? "KILN_DATASET_LOAD_FAILED"
      : operation === "save"
        ? "KILN_DATASET_SAVE_FAILED"
        : "KILN_DATASET_FAILED";
  return new DatasetError(code, message, { cause: error });
}
