import type { DataCatalog } from "../catalog/index.js";
import { type Node, type Pipeline, stripTranscoding } from "../pipeline/index.js";

/**
 * The nodes `--only-missing-outputs` runs, as Kedro decides: walking from the last node back, a node
 * runs when it has no outputs, when one of its persisted outputs does not exist, or when a node that
 * runs needs one of its outputs that is not persisted or does not exist.
 */
export async function nodesWithMissingOutputs(pipeline: Pipeline, catalog: DataCatalog): Promise<Node[]> {
  const { consumers } = pipeline.datasetIndex;
  const available = new Map<string, boolean>();
  const isAvailable = async (name: string): Promise<boolean> => {
    let known = available.get(name);
    if (known === undefined) {
      known = catalog.has(name) && catalog.get(name).ephemeral !== true && (await catalog.exists(name));
      available.set(name, known);
    }
    return known;
  };
  const willRun = new Set<Node>();
  const nodes = pipeline.nodes;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    let run = n.outputs.length === 0;
    for (const out of n.outputs) {
      if (run) break;
      const declaredAndPersisted = catalog.has(out) && catalog.get(out).ephemeral !== true;
      if (declaredAndPersisted && !(await isAvailable(out))) run = true;
      else if (!(await isAvailable(out))) {
        run = (consumers.get(stripTranscoding(out)) ?? []).some((c) => willRun.has(c));
      }
    }
    if (run) willRun.add(n);
  }
  return nodes.filter((n) => willRun.has(n));
}
