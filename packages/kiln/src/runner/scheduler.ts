import { type Node, type Pipeline, stripTranscoding } from "../pipeline/index.js";

/**
 * Runs nodes as their dependencies complete, at most `maxInFlight` at once. On the first failure it
 * starts nothing new, waits for the nodes in flight, and throws that failure. `done` receives every
 * node that finished.
 */
export async function runInDependencyOrder(
  pipeline: Pipeline,
  maxInFlight: number,
  runOne: (node: Node) => Promise<void>,
  done: Set<Node>,
): Promise<void> {
  const { producer } = pipeline.datasetIndex;
  const nodes = pipeline.nodes;
  const waiting = new Map<Node, number>();
  const children = new Map<Node, Node[]>();
  const ready: Node[] = [];
  for (const n of nodes) {
    const parents = new Set<Node>();
    for (const input of n.inputs) {
      const p = producer.get(stripTranscoding(input));
      if (p !== undefined) parents.add(p);
    }
    waiting.set(n, parents.size);
    for (const p of parents) {
      const list = children.get(p);
      if (list) list.push(n);
      else children.set(p, [n]);
    }
    if (parents.size === 0) ready.push(n);
  }
  ready.reverse(); // pop() then takes nodes in pipeline order

  return new Promise<void>((resolve, reject) => {
    let inFlight = 0;
    let failure: { error: unknown } | undefined;
    const pump = () => {
      while (!failure && inFlight < maxInFlight && ready.length > 0) {
        const n = ready.pop()!;
        inFlight++;
        runOne(n).then(
          () => {
            inFlight--;
            done.add(n);
            const kids = children.get(n) ?? [];
            for (let i = kids.length - 1; i >= 0; i--) {
              const c = kids[i]!;
              const left = waiting.get(c)! - 1;
              waiting.set(c, left);
              if (left === 0) ready.push(c);
            }
            pump();
          },
          (error: unknown) => {
            inFlight--;
            failure ??= { error };
            pump();
          },
        );
      }
      if (inFlight === 0) {
        if (failure) reject(failure.error);
        else resolve();
      }
    };
    pump();
  });
}
