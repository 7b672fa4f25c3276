import { Document, stringify, visit } from "yaml";
import {
  type DataCatalog,
  isPattern,
  PROVIDED_ELSEWHERE,
  RUNTIME_DEFAULT_PATTERN,
} from "../../catalog/index.js";
import { maskSecrets } from "../../config/index.js";
import type { Pipeline } from "../../pipeline/index.js";
import { KilnSession } from "../../session/index.js";

interface CatalogFlags {
  env?: string;
  pipeline?: string[];
}

async function open(flags: CatalogFlags): Promise<{
  catalog: DataCatalog;
  pipelines: Record<string, Pipeline>;
  config: Record<string, unknown>;
}> {
  const session = await KilnSession.create(flags.env ? { env: flags.env } : {});
  // Pipelines first: an unknown --pipeline is a usage error (with close matches) before any config is read.
  const pipelines = await selectPipelines(session, flags);
  const context = await session.loadContext();
  const [catalog, config] = await Promise.all([
    context.createCatalog(),
    context.configLoader.load("catalog"),
  ]);
  return { catalog, pipelines, config: config.value };
}

/** The pipelines `--pipeline` names (all registered ones without it). @throws ProjectError `KILN_PROJECT_UNKNOWN_PIPELINE`. */
async function selectPipelines(session: KilnSession, flags: CatalogFlags): Promise<Record<string, Pipeline>> {
  const registry = await session.pipelines();
  const names = flags.pipeline?.length ? flags.pipeline : Object.keys(registry).sort();
  const pipelines: Record<string, Pipeline> = {};
  for (const name of names) pipelines[name] = await session.selectPipeline({ pipeline: name });
  return pipelines;
}

/** The datasets of these pipelines, without parameters, sorted. */
function datasetsOf(pipelines: Record<string, Pipeline>): string[] {
  const names = new Set<string>();
  for (const pipe of Object.values(pipelines)) for (const ds of pipe.datasets()) names.add(ds);
  return [...names].filter((ds) => ds !== "parameters" && !ds.startsWith("params:")).sort();
}

/** An entry as the CLI prints it: inline credentials masked (a credentials name is shown). */
function shown(entry: unknown): unknown {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return entry;
  const { credentials, ...rest } = entry as Record<string, unknown>;
  if (credentials === undefined) return rest;
  return { ...rest, credentials: typeof credentials === "string" ? credentials : maskSecrets(credentials) };
}

/**
 * `kiln catalog describe-datasets`: per pipeline, its datasets grouped as Kedro 1.x groups them —
 * declared in the catalog (by type), matched by a factory, or defaulting to memory.
 */
export async function describeDatasets(flags: CatalogFlags): Promise<void> {
  const { catalog, pipelines, config } = await open(flags);
  // The type as the catalog names it (json.JSONDataset), not the class name.
  const declaredTypes = Object.fromEntries(
    Object.entries(config).map(([name, entry]) => [
      name,
      String((entry as { type?: unknown } | null)?.type ?? ""),
    ]),
  );
  const out: Record<string, unknown> = {};
  for (const [name, pipe] of Object.entries(pipelines)) {
    const declared: Record<string, string[]> = {};
    const factories: Record<string, string[]> = {};
    const defaults: string[] = [];
    for (const ds of pipe.datasets()) {
      if (ds === "parameters" || ds.startsWith("params:")) continue;
      const match = catalog.resolvePattern(ds);
      const group = match
        ? bucket(factories, match.pattern.pattern)
        : catalog.has(ds)
          ? bucket(declared, declaredTypes[ds] || String(catalog.get(ds).describe().type))
          : defaults;
      group.push(ds);
    }
    out[name] = {
      datasets: declared,
      factories,
      defaults: { [String(RUNTIME_DEFAULT_PATTERN.config.type)]: defaults },
    };
  }
  process.stdout.write(stringify(out));
}

/**
 * `kiln catalog list-patterns`: the dataset factory patterns in the order they are tried, then the
 * runtime default. With `--pipeline`, only those that datasets of these pipelines use.
 */
export async function listPatterns(flags: CatalogFlags): Promise<void> {
  let catalog: DataCatalog;
  let used: ((pattern: string) => boolean) | undefined;
  if (flags.pipeline?.length) {
    const opened = await open(flags);
    catalog = opened.catalog;
    const datasets = datasetsOf(opened.pipelines);
    const matched = new Set(datasets.map((ds) => catalog.resolvePattern(ds)?.pattern.pattern));
    const defaulted = datasets.some((ds) => !catalog.has(ds));
    used = (pattern) => matched.has(pattern) || (pattern === RUNTIME_DEFAULT_PATTERN.pattern && defaulted);
  } else {
    const session = await KilnSession.create(flags.env ? { env: flags.env } : {});
    catalog = await (await session.loadContext()).createCatalog();
  }
  const lines = catalog.listPatterns().map((p) => ({ pattern: p.pattern, note: p.source }));
  lines.push({
    pattern: RUNTIME_DEFAULT_PATTERN.pattern,
    note: `runtime default: ${String(RUNTIME_DEFAULT_PATTERN.config.type)} for datasets nothing else matches`,
  });
  for (const { pattern, note } of lines.filter((l) => used?.(l.pattern) ?? true)) {
    process.stdout.write(`- "${pattern}"${note ? `  (${note})` : ""}\n`);
  }
}

/**
 * `kiln catalog resolve-patterns`: as Kedro 1.x, every dataset declared in the catalog with its
 * entry, then each dataset of the pipelines that is not declared with the entry it resolves to
 * through a factory pattern (or the runtime default). Inline credentials are masked.
 */
export async function resolvePatterns(flags: CatalogFlags): Promise<void> {
  const { catalog, pipelines, config } = await open(flags);
  const resolved: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(config)) {
    if (!name.startsWith("_") && !isPattern(name)) resolved[name] = shown(entry);
  }
  for (const ds of datasetsOf(pipelines)) {
    if (ds in resolved) continue;
    resolved[ds] = shown(catalog.resolvePattern(ds)?.config ?? { ...RUNTIME_DEFAULT_PATTERN.config });
  }
  process.stdout.write(stringify(resolved));
}

function bucket(groups: Record<string, string[]>, key: string): string[] {
  const list = groups[key] ?? [];
  groups[key] = list;
  return list;
}

/**
 * `kiln catalog list-types`: the dataset types a catalog of this project can name, with Kedro's
 * names for them and where each comes from (built-in, a plugin, the settings).
 */
export async function listTypes(): Promise<void> {
  const session = await KilnSession.create();
  const types: Record<string, unknown> = {};
  for (const t of session.datasetTypes().list()) types[t.name] = { aliases: t.aliases, from: t.source };
  const doc = new Document(types);
  // Aliases on one line.
  visit(doc, {
    Seq: (_key, seq) => {
      seq.flow = true;
    },
  });
  const byPackage = new Map<string, string[]>();
  for (const [family, pkg] of Object.entries(PROVIDED_ELSEWHERE)) {
    byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), `${family}.*`]);
  }
  const later = [...byPackage].map(([pkg, families]) => `${families.join(", ")} (${pkg})`).join("; ");
  process.stdout.write(
    `${doc.toString()}# Every name is also accepted with Kedro's "kedro_datasets." prefix and old "DataSet" spelling.\n` +
      "# A catalog may also name a class: type: ./src/datasets/my_dataset.ts#MyDataset\n" +
      `# Not released yet, Kiln's equivalents of Kedro's ${later}.\n`,
  );
}
