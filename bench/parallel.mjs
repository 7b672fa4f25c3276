/**
 * Section 3: ParallelRunner vs SequentialRunner on eight independent CPU-bound nodes.
 *   node bench/parallel.mjs --runner sequential|parallel --iterations <loop iterations per node> [--workers 2]
 *   node bench/parallel.mjs --calibrate 0.5   (prints the iterations that burn about 0.5 s here)
 */
import { DataCatalog, MemoryDataset, ParallelRunner, SequentialRunner } from "kiln";
import { burn, createPipeline, NODE_COUNT } from "./fixtures/cpu-pipeline.mjs";
import { parseArgs, report } from "./lib.mjs";

const args = parseArgs();

if (args.calibrate) {
  const seconds = Number(args.calibrate);
  const probe = 20_000_000;
  burn(probe); // warm up the JIT
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    burn(probe, i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  report({ iterations: Math.round((probe * seconds * 1000) / times[1]), probeMs: times[1] });
} else {
  const kind = args.runner ?? "sequential";
  const iterations = Number(args.iterations ?? 50_000_000);
  const workers = Number(args.workers ?? 2);
  const runner =
    kind === "parallel"
      ? new ParallelRunner({
          maxWorkers: workers,
          source: {
            module: new URL("./fixtures/cpu-pipeline.mjs", import.meta.url).href,
            export: "createPipeline",
          },
        })
      : new SequentialRunner();
  const pipe = createPipeline();
  const catalog = new DataCatalog({ iterations: new MemoryDataset(iterations) });
  const t0 = performance.now();
  const result = await runner.run(pipe, catalog);
  const runMs = performance.now() - t0;
  const checksums = Array.from({ length: NODE_COUNT }, (_, i) => result[`checksum_${i}`]);
  if (checksums.some((c) => typeof c !== "number"))
    throw new Error(`missing outputs: ${JSON.stringify(result)}`);
  report({ runner: kind, workers: kind === "parallel" ? workers : 1, iterations, runMs, checksums });
}
