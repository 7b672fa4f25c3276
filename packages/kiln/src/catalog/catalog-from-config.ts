import { isAbsolute, resolve } from "node:path";
import { CatalogError } from "../errors/index.js";
import { getDefaultLogger, type Logger } from "../logging/index.js";
import { closestMatches, quoteList } from "../utils/index.js";
import { DataCatalog } from "./data-catalog.js";
import type { Dataset } from "./dataset.js";
import { createDefaultRegistry, type DatasetType, type DatasetTypeRegistry } from "./dataset-types.js";
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

const ENTRY_KEYS = ["type", "versioned", "credentials"];

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
  const where = (key: string, ...path: Array<string | number>) => {
    const loc = options.locate?.([key, ...path]) ?? options.locate?.([key]);
    return loc ? `${loc.file}:${loc.line}:${loc.column} (dataset "${key}")` : `Dataset "${key}"`;
  };
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
      patterns.push({ pattern: key, config: entry, ...(loc ? { source: `${loc.file}:${loc.line}` } : {}) });
      if (type) patternTypes.set(key, type);
      continue;
    }
    if (type) explicit.push([key, type, entry]);
  }

  const credentialsFor = (
    key: string,
    entry: Record<string, unknown>,
  ): Record<string, unknown> | undefined => {
    const ref = entry.credentials;
    if (ref === undefined || ref === null) return undefined;
    if (typeof ref === "object" && !Array.isArray(ref)) return ref as Record<string, unknown>;
    if (typeof ref !== "string") {
      throw new CatalogError(
        "KILN_CATALOG_BAD_CREDENTIALS",
        `${where(key, "credentials")}: \`credentials\` must be a name from credentials.yml.`,
      );
    }
    const found = options.credentials?.[ref];
    if (found === undefined || found === null || typeof found !== "object") {
      const names = Object.keys(options.credentials ?? {});
      const near = closestMatches(ref, names);
      // Only names are shown, never values.
      throw new CatalogError(
        "KILN_CATALOG_MISSING_CREDENTIALS",
        `${where(key, "credentials")}: credentials "${ref}" are not defined.`,
        {
          hint:
            (near.length > 0 ? `Did you mean "${near[0]}"? ` : "") +
            `Define "${ref}" in conf/local/credentials.yml${names.length > 0 ? ` (defined: ${quoteList(names)})` : ""}.`,
        },
      );
    }
    return found as Record<string, unknown>;
  };

  const checkKeys = (key: string, typeName: string, type: DatasetType, entry: Record<string, unknown>) => {
    if (!type.configKeys) return;
    const allowed = new Set([...ENTRY_KEYS, ...type.configKeys]);
    const kedroOnly = Object.keys(entry).filter((k) => !allowed.has(k) && type.kedroOnlyArgs?.includes(k));
    for (const k of kedroOnly) {
      warnOnce(
        `${typeName}:${k}`,
        `${where(key, k)}: ${k} is a Kedro option with no meaning in Kiln's ${typeName}; it is ignored.`,
      );
      delete entry[k];
    }
    const unknown = Object.keys(entry).filter((k) => !allowed.has(k) && k !== "version");
    if (unknown.length > 0) {
      const hints = unknown.map((u) => closestMatches(u, [...allowed])[0]).filter(Boolean);
      throw new CatalogError(
        "KILN_CATALOG_UNKNOWN_KEY",
        `${where(key, unknown[0]!)}: ${typeName} does not take ${quoteList(unknown)}.`,
        {
          hint: `${hints.length > 0 ? `Did you mean ${quoteList(hints as string[])}? ` : ""}It takes: ${[...allowed].join(", ")}.`,
        },
      );
    }
    for (const kind of ["load_args", "save_args"] as const) {
      const args = entry[kind];
      if (args === undefined || args === null) continue;
      if (typeof args !== "object" || Array.isArray(args)) {
        throw new CatalogError(
          "KILN_CATALOG_BAD_ARGS",
          `${where(key, kind)}: \`${kind}\` must be a mapping.`,
        );
      }
      const known = new Set(kind === "load_args" ? (type.loadArgs ?? []) : (type.saveArgs ?? []));
      for (const arg of Object.keys(args)) {
        if (known.has(arg)) continue;
        if (type.kedroOnlyArgs?.includes(arg)) {
          warnOnce(
            `${typeName}:${kind}.${arg}`,
            `${where(key, kind, arg)}: ${kind}.${arg} is a Kedro option with no meaning in Kiln's ${typeName}; it is ignored.`,
          );
          delete (args as Record<string, unknown>)[arg];
          continue;
        }
        throw new CatalogError(
          "KILN_CATALOG_UNKNOWN_ARG",
          `${where(key, kind, arg)}: ${typeName} has no ${kind} "${arg}".`,
          {
            hint: known.size > 0 ? `Its ${kind}: ${[...known].join(", ")}.` : `${typeName} takes no ${kind}.`,
          },
        );
      }
    }
  };

  const build = (
    key: string,
    type: DatasetType,
    entry: Record<string, unknown>,
    typeName: string,
  ): Dataset => {
    const config: Record<string, unknown> = structuredClone(entry);
    checkKeys(key, typeName, type, config);
    const credentials = credentialsFor(key, config);
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
    if (entry.versioned === true) config.version = { load: loadVersions[key], save: saveVersion };
    else if (entry.versioned !== undefined && entry.versioned !== false) {
      throw new CatalogError(
        "KILN_CATALOG_BAD_ENTRY",
        `${where(key, "versioned")}: \`versioned\` must be true or false.`,
      );
    }
    try {
      return type.create(config, options.projectPath ? { projectPath: options.projectPath } : {});
    } catch (error) {
      if (error instanceof CatalogError) throw error;
      throw new CatalogError("KILN_CATALOG_BAD_ENTRY", `${where(key)}: ${(error as Error).message}`, {
        cause: error,
        hint:
          (error as { hint?: string }).hint ?? `Check the entry's keys against ${typeName}'s documentation.`,
      });
    }
  };

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
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) {
    throw new CatalogError(
      "KILN_CATALOG_INVALID",
      `The catalog has ${problems.length} problems:\n${problems.map((p) => `  - ${p.message}${p.hint ? `\n    hint: ${p.hint}` : ""}`).join("\n")}`,
      {
        cause: problems,
      },
    );
  }
  if (resolver && patterns.length > 0) {
    catalog.setFactories({
      resolver,
      build: (name, config, pattern) => {
        const typeName = registry.canonical(String(config.type)) ?? String(config.type);
        const type =
          patternTypes.get(pattern.pattern) ??
          registry.resolveRegistered(typeName, where(pattern.pattern, "type"));
        return build(name, type, config, typeName);
      },
    });
  }
  if (options.parameters) catalog.addParameters(options.parameters);
  return catalog;
}
