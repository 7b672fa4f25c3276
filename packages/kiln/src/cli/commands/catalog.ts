import { Document, stringify, visit } from "yaml";
import { type DataCatalog, PROVIDED_ELSEWHERE } from "../../catalog/index.js";
import type { Pipeline } from "../../pipeline/index.js";
import { KilnSession } from "../../session/index.js";

interface CatalogFlags {
  env?: string;
  pipeline?: string[];
}

async function open(flags: CatalogFlags): Promise<{
  catalog: DataCatalog;
  pipelines: Record<string, Pipeline>;
  declaredTypes: Record<string, string>;
}> {
  const session = await KilnSession.create(flags.env ? { env: flags.env } : {});
  const context = await session.loadContext();
  const [catalog, registry, config] = await Promise.all([
    context.createCatalog(),
    session.pipelines(),
    context.configLoader.load("catalog"),
  ]);
  // The type as the catalog names it (json.JSONDataset), not the class name.
  const declaredTypes = Object.fromEntries(
    Object.entries(config.value).map(([name, entry]) => [
      name,
      String((entry as { type?: unknown } | null)?.type ?? ""),
    ]),
  );
  const names = flags.pipeline?.length ? flags.pipeline : Object.keys(registry).sort();
  const pipelines: Record<string, Pipeline> = {};
  for (const name of names) pipelines[name] = await session.selectPipeline({ pipeline: name });
  return { catalog, pipelines, declaredTypes };
}

/**
 * `kiln catalog describe-datasets`: per pipeline, its datasets grouped as Kedro 1.x groups them —
 * declared in the catalog (by type), matched by a factory, or defaulting to memory.
 */
export async function describeDatasets(flags: CatalogFlags): Promise<void> {
  const { catalog, pipelines, declaredTypes } = await open(flags);
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
    out[name] = { datasets: declared, factories, defaults: { MemoryDataset: defaults } };
  }
  process.stdout.write(stringify(out));
}

/** `kiln catalog list-patterns`: the dataset factory patterns, in the order they are tried. */
export async function listPatterns(flags: CatalogFlags): Promise<void> {
  const session = await KilnSession.create(flags.env ? { env: flags.env } : {});
  const catalog = await (await session.loadContext()).createCatalog();
  for (const p of catalog.listPatterns())
    process.stdout.write(`- "${p.pattern}"${p.source ? `  (${p.source})` : ""}\n`);
}

/** `kiln catalog resolve-patterns`: the config each of the pipelines' datasets resolves to through factories. */
export async function resolvePatterns(flags: CatalogFlags): Promise<void> {
  const { catalog, pipelines } = await open(flags);
  const resolved: Record<string, unknown> = {};
  for (const pipe of Object.values(pipelines)) {
    for (const ds of pipe.datasets()) {
      const match = catalog.resolvePattern(ds);
      if (match) {
        const { credentials: _hidden, ...config } = match.config;
        resolved[ds] = {
          ...config,
          ...(match.config.credentials !== undefined ? { credentials: "***" } : {}),
        };
      }
    }
  }
  process.stdout.write(
    Object.keys(resolved).length > 0
      ? stringify(resolved)
      : "No dataset of these pipelines matches a factory pattern.\n",
  );
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
  visit(doc, { Seq: (_key, seq) => void (seq.flow = true) }); // aliases on one line
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
