// Writes a Kiln project whose __default__ pipeline has `tasks` nodes, for the viz benchmarks:
// tasks in 20 modular pipelines (namespaces), each reading one to three recent datasets of its own
// namespace (sometimes one of another) and now and then a parameter, each writing one dataset;
// datasets placed in five data layers by a dataset factory. Deterministic for a given size.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Creates the project under `root` (its node_modules linked to `modules`). */
export function generateVizProject(root, tasks, modules) {
  mkdirSync(join(root, "src"), { recursive: true });
  mkdirSync(join(root, "conf/base"), { recursive: true });
  mkdirSync(join(root, "conf/local"), { recursive: true });
  writeFileSync(
    join(root, "package.json"),
    JSON.stringify({
      name: `viz-bench-${tasks}`,
      type: "module",
      private: true,
      kiln: { projectName: `viz_bench_${tasks}` },
      dependencies: { kiln: "*", "@kiln/viz": "*" },
    }),
  );
  symlinkSync(modules, join(root, "node_modules"), "junction");
  const layers = ["raw", "intermediate", "primary", "feature", "reporting"];
  writeFileSync(
    join(root, "conf/base/catalog.yml"),
    layers
      .map(
        (layer, i) => `"{name}_l${i}":\n  type: MemoryDataset\n  metadata:\n    kiln: { layer: ${layer} }\n`,
      )
      .join("\n"),
  );
  writeFileSync(
    join(root, "conf/base/parameters.yml"),
    Array.from({ length: 20 }, (_, i) => `p${i}: { alpha: ${i}, features: [a, b, c] }`).join("\n") + "\n",
  );
  writeFileSync(
    join(root, "src/pipelines.ts"),
    `import { node, pipeline } from "kiln";

const TASKS = ${tasks};
const GROUPS = 20;

/** Makes a node's work: never run by the benchmarks. */
function step(...inputs: unknown[]): unknown {
  return inputs.length;
}

export function registerPipelines() {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const perGroup = Math.ceil(TASKS / GROUPS);
  const recent: string[][] = Array.from({ length: GROUPS }, () => []);
  const nodes = [];
  for (let i = 0; i < TASKS; i++) {
    const group = i % GROUPS;
    const position = Math.floor(i / GROUPS);
    const layer = Math.min(4, Math.floor((position / perGroup) * 5));
    const own = recent[group]!;
    const inputs = new Set<string>();
    const reads = 1 + Math.floor(random() * 3);
    for (let r = 0; r < reads && own.length > 0; r++) inputs.add(own[own.length - 1 - Math.floor(random() * Math.min(own.length, 6))]!);
    if (own.length === 0) inputs.add(\`source_\${group}_l0\`);
    if (random() < 0.05 && i > GROUPS) {
      const other = recent[(group + 1 + Math.floor(random() * (GROUPS - 1))) % GROUPS]!;
      if (other.length > 0) inputs.add(other[other.length - 1]!);
    }
    if (random() < 0.2) inputs.add(\`params:p\${Math.floor(random() * 20)}\`);
    const output = \`g\${group}.d\${i}_l\${Math.max(layer, own.length === 0 ? 1 : layer)}\`;
    nodes.push(node({ func: step, inputs: [...inputs], outputs: output, name: \`task_\${i}\`, namespace: \`g\${group}\`, tags: [\`t\${i % 7}\`] }));
    own.push(output);
  }
  return { __default__: pipeline(nodes) };
}
`,
  );
}
