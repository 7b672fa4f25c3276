/**
 * Catalog figures (in process): building a catalog of N explicit entries from config — once from an
 * object, once from YAML files through the config loader — and resolving N dataset names through
 * factory patterns. Prints one JSON line: medians in milliseconds.
 *   node bench/catalog.mjs [--entries 1000] [--samples 5]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigLoader, createCatalog, createLogger } from "kiln";
import { median, parseArgs, report } from "./lib.mjs";

const args = parseArgs();
const entries = Number(args.entries ?? 1000);
const samples = Number(args.samples ?? 5);
const logger = createLogger({ level: "silent" });

const explicit = {};
for (let i = 0; i < entries; i++) {
  explicit[`dataset_${i}`] = {
    type: "json.JSONDataset",
    filepath: `data/02_intermediate/dataset_${i}.json`,
    versioned: i % 2 === 0,
  };
}
// Ten patterns of different specificity, as a real catalog might have; names hit several of them.
const patterns = {
  "{name}": { type: "MemoryDataset" },
  "{name}_json": { type: "json.JSONDataset", filepath: "data/02_intermediate/{name}.json" },
  "{namespace}.{name}_json": {
    type: "json.JSONDataset",
    filepath: "data/02_intermediate/{namespace}/{name}.json",
  },
  "{namespace}.{name}_yaml": {
    type: "yaml.YAMLDataset",
    filepath: "data/02_intermediate/{namespace}/{name}.yml",
  },
  "raw_{name}": { type: "text.TextDataset", filepath: "data/01_raw/{name}.txt" },
  "{layer}.model_{name}": {
    type: "object.ObjectDataset",
    filepath: "data/06_models/{layer}/{name}.bin",
    versioned: true,
  },
  "{name}_metrics": { type: "json.JSONDataset", filepath: "data/09_tracking/{name}.json" },
  "{name}_report": { type: "text.TextDataset", filepath: "data/08_reporting/{name}.txt" },
  "features.{name}": { type: "json.JSONDataset", filepath: "data/04_feature/{name}.json" },
  "{a}.{b}.{c}_json": { type: "json.JSONDataset", filepath: "data/{a}/{b}/{c}.json" },
};
const names = Array.from({ length: entries }, (_, i) => {
  const kinds = [
    `n${i}_json`,
    `ns${i % 7}.n${i}_json`,
    `raw_n${i}`,
    `prod.model_n${i}`,
    `features.n${i}`,
    `n${i}`,
  ];
  return kinds[i % kinds.length];
});

async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const fromObject = [];
const fromYaml = [];
const resolve = [];
const dir = mkdtempSync(join(tmpdir(), "kiln-bench-catalog-"));
try {
  mkdirSync(join(dir, "conf/base"), { recursive: true });
  mkdirSync(join(dir, "conf/local"), { recursive: true });
  const yaml = Object.entries(explicit)
    .map(([k, v]) => `${k}:\n  type: ${v.type}\n  filepath: ${v.filepath}\n  versioned: ${v.versioned}\n`)
    .join("\n");
  writeFileSync(join(dir, "conf/base/catalog.yml"), yaml);
  for (let s = 0; s < samples + 1; s++) {
    const a = await time(() =>
      createCatalog({ catalog: structuredClone(explicit), logger, projectPath: dir }),
    );
    const b = await time(async () => {
      const doc = await new ConfigLoader({ confSource: join(dir, "conf") }).load("catalog");
      await createCatalog({ catalog: doc.value, locate: (p) => doc.locate(p), logger, projectPath: dir });
    });
    const catalog = await createCatalog({ catalog: structuredClone(patterns), logger, projectPath: dir });
    const c = await time(() => {
      for (const n of names) catalog.get(n);
    });
    if (s === 0) continue; // the first round warms the JIT up
    fromObject.push(a);
    fromYaml.push(b);
    resolve.push(c);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
report({
  entries,
  buildFromObjectMs: median(fromObject),
  buildFromYamlMs: median(fromYaml),
  resolveThroughFactoriesMs: median(resolve),
});
