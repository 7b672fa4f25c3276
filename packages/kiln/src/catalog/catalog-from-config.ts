import { isAbsolute, resolve } from "node:path";
import { CatalogError } from "../errors/index.js";
import { getDefaultLogger, type Logger } from "../logging/index.js";
import { quoteList } from "../utils/index.js";
import { DataCatalog } from "./data-catalog.js";
import type { Dataset } from "./dataset.js";
import { createDefaultRegistry, type DatasetType, type DatasetTypeRegistry } from "./dataset-types.js";
import {
  checkEntry,
  combineProblems,
  credentialsOf,
  type EntryCheckContext,
  type Where,
} from "./entry-checks.js";
import { type DatasetPattern, isPattern, PatternResolver } from "./patterns.js";
import { generateVersion, parseVersion } from "./versioning.js";

/** A place in a config file. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** Options of {@link createCatalog}. */
export interface CatalogConfigOptions {
  /** The merged `catalog` config: dataset name or pattern → entry. */
  catalog: Record<string, unknown>;
  /** Finds where a config key was written, for error messages (a ConfigDocument's `locate`). */
  locate?: (path: Array<string | number>) => SourceLocation | undefined;
  /** The merged `credentials` config: name → values. Never logged or shown. */
  credentials?: Record<string, unknown>;
  /** Added as `parameters` and `params:…` memory datasets. */
  parameters?: Record<string, unknown>;
  /** Pinned load versions: dataset name → version. */
  loadVersions?: Record<string, string>;
  /** The run's save version, shared by every versioned dataset (default: now). */
  saveVersion?: string;
  registry?: DatasetTypeRegistry;
  /** Base for relative file paths and module dataset types (`./src/datasets/x.ts#X`). Default: the working directory. */
  projectPath?: string;
  logger?: Logger;
}

/**
 * Builds a {@link DataCatalog} from catalog config (Kedro's `catalog.yml` syntax): explicit entries,
 * dataset factories, credentials by name, versioning, and parameters. All entries are checked before
 * any is built, and every problem is reported with its file and line.
 * @throws CatalogError listing every problem found.
 */
export async function createCatalog(options: CatalogConfigOptions): Promise<DataCatalog> {
  const registry = options.registry ?? createDefaultRegistry();
  const logger = options.logger ?? getDefaultLogger();
  const saveVersion = options.saveVersion ?? generateVersion();
  const loadVersions = options.loadVersions ?? {};
  for (const v of [saveVersion, ...Object.values(loadVersions)]) parseVersion(v);
  /** Where `path` of the entry under config key `key` was written; `name` is the dataset when `key` is its factory pattern. */
  const whereIn =
    (key: string, name = key): Where =>
    (...path) => {
      const loc = options.locate?.([key, ...path]) ?? options.locate?.([key]);
      const what =
        name !== key
          ? `dataset "${name}" from pattern "${key}"`
          : isPattern(key)
            ? `pattern "${key}"`
            : `dataset "${key}"`;
      return loc
        ? `${loc.file}:${loc.line}:${loc.column} (${what})`
        : `${what[0]!.toUpperCase()}${what.slice(1)}`;
    };
  const where = (key: string, ...path: Array<string | number>) => whereIn(key)(...path);
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    logger.warn(message);
  };
  const problems: CatalogError[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof CatalogError) problems.push(error);
      else throw error;
      return undefined;
    }
  };

  const explicit: Array<[string, DatasetType, Record<string, unknown>]> = [];
  const patterns: DatasetPattern[] = [];
  const patternTypes = new Map<string, DatasetType>();
  for (const [key, raw] of Object.entries(options.catalog)) {
    if (key.startsWith("_")) continue; // YAML anchor helpers
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      problems.push(
        new CatalogError(
          "KILN_CATALOG_BAD_ENTRY",
          `${where(key)}: a catalog entry must be a mapping with a \`type\`.`,
          {
            hint: `e.g.\n  ${key}:\n    type: json.JSONDataset\n    filepath: data/01_raw/${key}.json`,
          },
        ),
      );
      continue;
    }
    const entry = raw as Record<string, unknown>;
    if (typeof entry.type !== "string" || entry.type.length === 0) {
      problems.push(
        new CatalogError("KILN_CATALOG_BAD_ENTRY", `${where(key)}: the entry has no \`type\`.`, {
          hint: "Add `type:` with a dataset type, e.g. `type: json.JSONDataset`.",
        }),
      );
      continue;
    }
    let type: DatasetType | undefined;
    try {
      type = isPattern(entry.type)
        ? undefined
        : await registry.resolve(entry.type, where(key, "type"), options.projectPath);
    } catch (error) {
      if (error instanceof CatalogError) problems.push(error);
      else throw error;
      continue;
    }
    if (isPattern(key)) {
      const loc = options.locate?.([key]);
      patterns.push({
        pattern: key,
        config: entry,
        ...(loc ? { source: `${loc.file}:${loc.line}:${loc.column}` } : {}),
      });
      if (type) patternTypes.set(key, type);
      continue;
    }
    if (type) explicit.push([key, type, entry]);
  }

  const ctx: EntryCheckContext = { credentials: options.credentials, warnOnce };

  /** Builds dataset `name` from `entry` (the config under `key`: the name itself, or its factory pattern). */
  const build = (
    name: string,
    type: DatasetType,
    entry: Record<string, unknown>,
    typeName: string,
    key: string = name,
  ): Dataset => {
    const at = whereIn(key, name);
    const config: Record<string, unknown> = structuredClone(entry);
    checkEntry(at, typeName, type, config, ctx);
    const credentials = credentialsOf(at, config, ctx);
    delete config.type;
    delete config.versioned;
    const fp = config.filepath;
    if (
      options.projectPath &&
      typeof fp === "string" &&
      !/^[a-z][a-z0-9+.-]*:\/\//i.test(fp) &&
      !isAbsolute(fp)
    ) {
      config.filepath = resolve(options.projectPath, fp); // relative paths are the project's, whatever the cwd
    }
    if (credentials) config.credentials = credentials;
    else delete config.credentials;
    if (entry.versioned === true) config.version = { load: loadVersions[name], save: saveVersion };
    try {
      return type.create(config, {
        registry,
        ...(options.projectPath ? { projectPath: options.projectPath } : {}),
      });
    } catch (error) {
      // A type's own CatalogError keeps its code; anything else means the dataset refused the entry.
      const code = error instanceof CatalogError ? error.code : "KILN_CATALOG_BAD_ENTRY";
      throw new CatalogError(code, `${at()}: ${(error as Error).message}`, {
        cause: error,
        hint:
          (error as { hint?: string }).hint ?? `Check the entry's keys against ${typeName}'s documentation.`,
      });
    }
  };

  // Factory patterns are checked now, as far as they can be without a dataset name: their keys,
  // arguments, `versioned` and credentials. What only a name can show (the dataset refusing the
  // filled-in entry) fails when the runner builds every dataset of the pipeline, before any node runs.
  for (const p of patterns) {
    const type = patternTypes.get(p.pattern);
    const at = whereIn(p.pattern);
    attempt(() => {
      const config = structuredClone(p.config);
      if (type)
        checkEntry(at, registry.canonical(String(config.type)) ?? String(config.type), type, config, ctx);
      credentialsOf(at, config, ctx, { lookUpTemplates: false });
    });
  }

  const catalog = new DataCatalog();
  for (const [key, type, entry] of explicit) {
    const typeName = registry.canonical(String(entry.type)) ?? String(entry.type);
    const dataset = attempt(() => build(key, type, entry, typeName));
    if (dataset) catalog.add(key, dataset);
  }
  const resolver = attempt(() => new PatternResolver(patterns));
  const unknownPins = Object.keys(loadVersions).filter((n) => {
    const entry = options.catalog[n] as Record<string, unknown> | undefined;
    if (entry) return entry.versioned !== true;
    const match = resolver?.resolve(n);
    return match?.config.versioned !== true;
  });
  if (unknownPins.length > 0) {
    problems.push(
      new CatalogError(
        "KILN_CATALOG_BAD_LOAD_VERSION",
        `Load versions are pinned for ${quoteList(unknownPins)}, which are not versioned datasets of the catalog.`,
        {
          hint: "Pin versions only for entries with `versioned: true` (--load-versions name:YYYY-MM-DDThh.mm.ss.sssZ).",
        },
      ),
    );
  }
  if (problems.length > 0) throw combineProblems(problems);
  if (resolver && patterns.length > 0) {
    catalog.setFactories({
      resolver,
      build: (name, config, pattern) => {
        const typeName = registry.canonical(String(config.type)) ?? String(config.type);
        const type =
          patternTypes.get(pattern.pattern) ??
          registry.resolveRegistered(typeName, whereIn(pattern.pattern, name)("type"));
        return build(name, type, config, typeName, pattern.pattern);
      },
    });
  }
  if (options.parameters) catalog.addParameters(options.parameters);
  return catalog;
}
