import type { DataCatalog } from "../catalog/index.js";
import { isParameter, type Node, type Pipeline, stripTranscoding } from "../pipeline/index.js";

/** True when the dataset's data outlives the process (declared in the catalog and not a memory dataset). */
export function isPersisted(catalog: DataCatalog, name: string): boolean {
  return catalog.has(name) && catalog.get(name).ephemeral !== true;
}

/**
 * The nearest nodes to restart from after a failure (Kedro's resume suggestion): walk up from the
 * unfinished nodes through every input that is not persisted to the nodes that must re-create it,
 * then keep the nodes of that set that have no parent inside it.
 */
export function nodesToResumeFrom(
  pipeline: Pipeline,
  unfinished: Iterable<Node>,
  catalog: DataCatalog,
): string[] {
  const { producer, consumers } = pipeline.datasetIndex;
  const toRun = new Set(unfinished);
  const queue = [...toRun];
  while (queue.length > 0) {
    const n = queue.pop()!;
    for (const input of n.inputs) {
      if (isParameter(input) || isPersisted(catalog, input)) continue;
      const p = producer.get(stripTranscoding(input));
      if (p && !toRun.has(p)) {
        toRun.add(p);
        queue.push(p);
      }
    }
  }
  // Everything downstream of a restarted node runs again too.
  const all = new Set(toRun);
  const down = [...toRun];
  while (down.length > 0) {
    const n = down.pop()!;
    for (const out of n.outputs) {
      for (const c of consumers.get(stripTranscoding(out)) ?? []) {
        if (!all.has(c)) {
          all.add(c);
          down.push(c);
        }
      }
    }
  }
  const starts = [...all].filter((n) => n.inputs.every((i) => !all.has(producer.get(stripTranscoding(i))!)));
  return starts.map((n) => n.name).sort();
}

/** The message that tells a user how to resume a failed run, or how to repeat it if nothing ran. */
export function resumeMessage(options: {
  pipeline: Pipeline;
  done: ReadonlySet<Node>;
  catalog: DataCatalog;
  command?: string | undefined;
}): { message: string; fromNodes: string[] } {
  const { pipeline, done, catalog, command } = options;
  if (done.size === 0) {
    return { message: "No node ran. Repeat the previous command to try again.", fromNodes: [] };
  }
  const remaining = pipeline.nodes.filter((n) => !done.has(n));
  const fromNodes = nodesToResumeFrom(pipeline, remaining, catalog);
  const flag = `--from-nodes "${fromNodes.join(",")}"`;
  const how = command
    ? `resume from the nearest nodes with persisted inputs with:\n  ${withoutFromNodes(command)} ${flag}`
    : `resume from the nearest nodes with persisted inputs by adding this to your previous command:\n  ${flag}`;
  return {
    message: `${remaining.length} node${remaining.length === 1 ? " has" : "s have"} not run; ${how}`,
    fromNodes,
  };
}

/** Drops an earlier `--from-nodes` flag so the suggestion replaces it instead of adding a second one. */
function withoutFromNodes(command: string): string {
  return command.replace(/\s--from-nodes(=|\s+)("[^"]*"|'[^']*'|\S+)/g, "");
}
