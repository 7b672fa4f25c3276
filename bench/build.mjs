/**
 * Section 1: building and ordering a pipeline.
 *   node bench/build.mjs --shape chain|layered --nodes 100000 [--repeat 1] [--plain]
 * Prints {createMs, pipelineMs} for each repetition (the first one in a fresh process is "cold").
 * --plain makes plain objects holding the same names instead of nodes (a floor for node()) and builds
 * no pipeline.
 */
import { Pipeline } from "kiln";
import { chainNodes, increment, layeredNodes, plainNode } from "./fixtures/shapes.mjs";
import { parseArgs, report } from "./lib.mjs";

const args = parseArgs();
const shape = args.shape ?? "chain";
const n = Number(args.nodes ?? 1000);
const repeat = Number(args.repeat ?? 1);
const width = 10;
const plain = args.plain === "true";
if (shape !== "chain" && shape !== "layered")
  throw new Error(`--shape must be chain or layered, got ${shape}`);

const runs = [];
for (let r = 0; r < repeat; r++) {
  const t0 = performance.now();
  const make = plain ? plainNode : undefined;
  const nodes = shape === "chain" ? chainNodes(n, increment, make) : layeredNodes(n, width, make);
  const t1 = performance.now();
  if (plain) {
    runs.push({ createMs: t1 - t0, keep: nodes.length });
    continue;
  }
  const pipe = new Pipeline(nodes); // validates, indexes producers/consumers and orders by layer
  const t2 = performance.now();
  // Sanity checks, outside the timed region.
  const expectedLayers = shape === "chain" ? n : Math.ceil(n / width);
  if (pipe.nodes.length !== n || pipe.layers().length !== expectedLayers) {
    throw new Error(
      `expected ${n} nodes in ${expectedLayers} layers, got ${pipe.nodes.length} in ${pipe.layers().length}`,
    );
  }
  if (shape === "chain" && pipe.nodes[n - 1].name !== `chain_${n - 1}`) throw new Error("chain out of order");
  runs.push({ createMs: t1 - t0, pipelineMs: t2 - t1 });
}
report({ shape, nodes: n, runs });
