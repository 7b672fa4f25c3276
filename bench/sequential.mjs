/**
 * Section 2: SequentialRunner overhead on a chain of trivial in-memory nodes (x => x + 1).
 *   node bench/sequential.mjs --nodes 10000 [--log default|warn] [--repeat 1]
 * `default` leaves Kiln's default logger alone (an info line per node on stderr); `warn` installs a
 * warn-level logger with setDefaultLogger. Prints the run() time of each repetition.
 */
import { createLogger, DataCatalog, MemoryDataset, Pipeline, SequentialRunner, setDefaultLogger } from "kiln";
import { chainNodes } from "./fixtures/shapes.mjs";
import { parseArgs, report } from "./lib.mjs";

const args = parseArgs();
const n = Number(args.nodes ?? 1000);
const log = args.log ?? "default";
const repeat = Number(args.repeat ?? 1);
if (log !== "default") setDefaultLogger(createLogger({ level: log }));

const t0 = performance.now();
const pipe = new Pipeline(chainNodes(n));
const buildMs = performance.now() - t0;

const runs = [];
for (let r = 0; r < repeat; r++) {
  const catalog = new DataCatalog({ d0: new MemoryDataset(0) });
  const runner = new SequentialRunner();
  const t1 = performance.now();
  const result = await runner.run(pipe, catalog);
  runs.push(performance.now() - t1);
  if (result[`d${n}`] !== n) throw new Error(`expected d${n} = ${n}, got ${JSON.stringify(result)}`);
}
report({ nodes: n, log, buildMs, runs });
