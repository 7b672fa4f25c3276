/**
 * Runs every benchmark and prints markdown tables (also written to bench/results/latest.{md,json}).
 *   node bench/run.mjs [--samples 5] [--only build,sequential,parallel,catalog,cli,tabular,frames,viz,viz-experiments,models,distributed,serve] [--quick]
 * Progress goes to stderr; the tables go to stdout.
 */
import { execSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  benchFile,
  cliProject,
  cpuMeter,
  median,
  ms,
  parseArgs,
  table,
  timeCommand,
  timeProcess,
} from "./lib.mjs";

const args = parseArgs();
const samples = Number(args.samples ?? (args.quick ? 3 : 5));
const warmRepeat = 6; // one process, first (cold) iteration dropped: warm = median of the other 5
const only = new Set(
  (
    args.only ??
    "build,sequential,parallel,catalog,cli,tabular,frames,viz,viz-experiments,models,distributed,serve"
  ).split(","),
);
const progress = (message) => process.stderr.write(`[bench] ${message}\n`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const out = [];
const json = { samples, sections: {}, othersCpuShare: {} };
const emit = (text = "") => {
  out.push(text);
  process.stdout.write(`${text}\n`);
};
/** A line saying how busy the rest of the machine was during a section (figures on a busy machine are pessimistic). */
const others = (meter, key) => {
  const share = meter.stop();
  json.othersCpuShare[key] = share;
  if (share !== undefined) {
    emit(`Other processes used ${(share * 100).toFixed(0)}% of the machine's CPU time during this section.`);
    emit();
  }
};

const nproc = execSync("nproc").toString().trim();
json.machine = { nproc, node: process.version, cpu: cpus()[0]?.model, date: new Date().toISOString() };
emit("# Kiln benchmarks");
emit();
emit(
  `${new Date().toISOString().slice(0, 10)} · nproc ${nproc} · ${cpus()[0]?.model ?? "unknown CPU"} · Node ${process.version} · ` +
    `${samples} samples per figure (median) · load average at start ${load()}`,
);
emit();

// Baseline: what every whole-process figure pays before doing any work.
{
  progress("process baseline");
  const bare = [];
  const withKiln = [];
  const importMs = [];
  for (let s = 0; s < samples; s++) {
    bare.push(timeProcess("baseline.mjs").wallMs);
    const k = timeProcess("baseline.mjs", ["--import-kiln"]);
    withKiln.push(k.wallMs);
    importMs.push(k.result.importMs);
  }
  json.sections.baseline = { bare, withKiln, importMs };
  emit("## Process baseline");
  emit();
  emit(
    table(
      ["Process", "Whole process (ms)"],
      [
        ["`node bench/baseline.mjs` (start Node, exit)", ms(median(bare))],
        [
          `\`node bench/baseline.mjs --import-kiln\` (import takes ${ms(median(importMs))} ms in-process)`,
          ms(median(withKiln)),
        ],
      ],
    ),
  );
  emit();
}

if (only.has("build")) {
  emit("## 1. Building and ordering pipelines");
  emit();
  const meter = cpuMeter();
  const rows = [];
  const data = [];
  for (const shape of ["chain", "layered"]) {
    for (const n of [1_000, 10_000, 100_000]) {
      progress(`build ${shape} ${n} (load ${load()})`);
      const cold = [];
      const wall = [];
      for (let s = 0; s < samples; s++) {
        const { wallMs, result } = timeProcess("build.mjs", ["--shape", shape, "--nodes", n]);
        cold.push(result.runs[0]);
        wall.push(wallMs);
      }
      const warm = timeProcess("build.mjs", [
        "--shape",
        shape,
        "--nodes",
        n,
        "--repeat",
        warmRepeat,
      ]).result.runs.slice(1);
      const create = median(cold.map((r) => r.createMs));
      const build = median(cold.map((r) => r.pipelineMs));
      const together = median(cold.map((r) => r.createMs + r.pipelineMs));
      const warmTogether = median(warm.map((r) => r.createMs + r.pipelineMs));
      const verdict = (x) => (x < 300 ? "met" : "**missed**");
      const target =
        n === 100_000 ? `together ${verdict(together)}; build + order alone ${verdict(build)}` : "";
      data.push({
        shape,
        nodes: n,
        create,
        build,
        together,
        warmTogether,
        wall: median(wall),
        cold,
        warm,
        wallSamples: wall,
      });
      rows.push([
        shape,
        n.toLocaleString("en-US"),
        ms(create),
        ms(build),
        ms(together),
        ms(warmTogether),
        ms(median(wall)),
        target,
      ]);
    }
  }
  // A floor for "Create nodes": plain objects holding the same names, no validation (bench/build.mjs --plain).
  const floor = {};
  for (const shape of ["chain", "layered"]) {
    progress(`build ${shape} 100000 plain objects (load ${load()})`);
    const createMs = [];
    for (let s = 0; s < samples; s++) {
      const { result } = timeProcess("build.mjs", ["--shape", shape, "--nodes", 100_000, "--plain"]);
      createMs.push(result.runs[0].createMs);
    }
    floor[shape] = median(createMs);
  }
  json.sections.build = data;
  json.sections.buildFloor = floor;
  emit(
    table(
      [
        "Shape",
        "Nodes",
        "Create nodes (ms)",
        "Build + order (ms)",
        "Together (ms)",
        "Together, warm (ms)",
        "Whole process (ms)",
        "Target < 300 ms (100k)",
      ],
      rows,
    ),
  );
  emit();
  emit(
    "In-process figures are the first build in a fresh process (median over processes); *warm* is the median of " +
      `builds 2–${warmRepeat} in one process. Layered: width 10, each node reads all 10 outputs of the previous layer.`,
  );
  emit();
  emit(
    `Floor for creating 100,000 nodes: plain objects holding the same names (\`--plain\`, no validation) take ` +
      `${ms(floor.chain)} ms (chain) and ${ms(floor.layered)} ms (layered).`,
  );
  emit();
  others(meter, "build");
}

if (only.has("sequential")) {
  emit("## 2. SequentialRunner overhead (chain of `x => x + 1`)");
  emit();
  const meter = cpuMeter();
  const stderrFile = join(tmpdir(), "kiln-bench-stderr.log");
  const configs = [
    { label: "default (info), stderr → /dev/null", log: "default", stderr: "null" },
    { label: "default (info), stderr → file", log: "default", stderr: stderrFile },
    { label: "warn", log: "warn", stderr: "null" },
  ];
  const rows = [];
  const data = [];
  for (const n of [1_000, 10_000]) {
    for (const c of configs) {
      progress(`sequential ${n} ${c.label} (load ${load()})`);
      const runs = [];
      const wall = [];
      for (let s = 0; s < samples; s++) {
        const { wallMs, result } = timeProcess("sequential.mjs", ["--nodes", n, "--log", c.log], {
          stderr: c.stderr,
        });
        runs.push(result.runs[0]);
        wall.push(wallMs);
        if (c.stderr === stderrFile) {
          const lines = readFileSync(stderrFile, "utf8").split("\n").length - 1;
          if (lines < n) throw new Error(`expected at least ${n} log lines in ${stderrFile}, found ${lines}`);
        }
      }
      const warm = timeProcess("sequential.mjs", ["--nodes", n, "--log", c.log, "--repeat", warmRepeat], {
        stderr: c.stderr,
      }).result.runs.slice(1);
      const run = median(runs);
      const perNode = (run * 1000) / n;
      const warmPerNode = (median(warm) * 1000) / n;
      const checks = [perNode < 50 ? "< 50 µs/node: met" : "< 50 µs/node: **missed**"];
      if (n === 10_000 && c.log === "default")
        checks.push(run < 500 ? "< 0.5 s: met" : "< 0.5 s: **missed**");
      data.push({
        nodes: n,
        logging: c.label,
        run,
        perNode,
        warmPerNode,
        wall: median(wall),
        runs,
        warm,
        wallSamples: wall,
      });
      rows.push([
        n.toLocaleString("en-US"),
        c.label,
        ms(run),
        perNode.toFixed(1),
        warmPerNode.toFixed(1),
        ms(median(wall)),
        checks.join("; "),
      ]);
    }
  }
  rmSync(stderrFile, { force: true });
  json.sections.sequential = data;
  emit(
    table(
      ["Nodes", "Logging", "run() (ms)", "µs/node", "µs/node, warm", "Whole process (ms)", "Targets"],
      rows,
    ),
  );
  emit();
  const flat = configs.map((c) => {
    const [a, b] = [1_000, 10_000].map((n) => data.find((d) => d.nodes === n && d.logging === c.label));
    return `${c.label}: ${a.perNode.toFixed(1)} → ${b.perNode.toFixed(1)} µs/node`;
  });
  emit(`Per-node cost from 1,000 to 10,000 nodes: ${flat.join("; ")}.`);
  emit();
  const marginal = configs.map((c) => {
    const [a, b] = [1_000, 10_000].map((n) => data.find((d) => d.nodes === n && d.logging === c.label));
    return `${c.label}: ${(((b.run - a.run) * 1000) / 9_000).toFixed(1)} µs`;
  });
  emit(`Marginal cost of a node, (run(10k) − run(1k)) / 9,000: ${marginal.join("; ")}.`);
  emit();
  emit(
    "run() is timed in-process around `SequentialRunner.run` (first run in a fresh process, median over processes); " +
      `*warm* is the median of runs 2–${warmRepeat} in one process. Whole process includes Node start-up, importing kiln and building the pipeline.`,
  );
  emit();
  others(meter, "sequential");
}

if (only.has("parallel")) {
  emit("## 3. ParallelRunner speedup (8 independent CPU-bound nodes, maxWorkers 2)");
  emit();
  const meter = cpuMeter();
  progress(`parallel: calibrating (load ${load()})`);
  const { iterations } = timeProcess("parallel.mjs", ["--calibrate", "0.5"]).result;
  const seq = { run: [], wall: [] };
  const par = { run: [], wall: [] };
  for (let s = 0; s < samples; s++) {
    progress(`parallel sample ${s + 1}/${samples} (load ${load()})`);
    for (const [kind, into] of [
      ["sequential", seq],
      ["parallel", par],
    ]) {
      const { wallMs, result } = timeProcess("parallel.mjs", ["--runner", kind, "--iterations", iterations]);
      into.run.push(result.runMs);
      into.wall.push(wallMs);
    }
  }
  // ParallelRunner's fixed cost: the same run with (almost) no work per node, i.e. starting the workers.
  const fixed = [];
  for (let s = 0; s < samples; s++)
    fixed.push(timeProcess("parallel.mjs", ["--runner", "parallel", "--iterations", 1]).result.runMs);
  const speedRun = median(seq.run) / median(par.run);
  const speedWall = median(seq.wall) / median(par.wall);
  json.sections.parallel = { iterations, seq, par, fixed, speedRun, speedWall };
  const verdict = (x) => `${x.toFixed(2)}× (target ≥ 1.8×: ${x >= 1.8 ? "met" : "**missed**"})`;
  emit(
    table(
      ["Runner", "run() (ms)", "Whole process (ms)"],
      [
        ["SequentialRunner", ms(median(seq.run)), ms(median(seq.wall))],
        ["ParallelRunner, maxWorkers 2", ms(median(par.run)), ms(median(par.wall))],
        ["Speedup", verdict(speedRun), verdict(speedWall)],
        ["ParallelRunner fixed cost (1 loop iteration per node)", ms(median(fixed)), ""],
      ],
    ),
  );
  emit();
  emit(
    `Each node runs ${iterations.toLocaleString("en-US")} iterations of an xorshift loop ` +
      `(${ms(median(seq.run) / 8)} ms per node sequentially). ParallelRunner's run() includes starting the workers ` +
      "(each imports kiln and the pipeline module); the fixed-cost row measures that alone.",
  );
  emit();
  others(meter, "parallel");
}

if (only.has("catalog")) {
  emit("## 4. Catalog: 1,000 entries, 1,000 names through factories");
  emit();
  progress("catalog");
  const meter = cpuMeter();
  const runs = [];
  for (let s = 0; s < samples; s++)
    runs.push(timeProcess("catalog.mjs", ["--entries", 1000, "--samples", 5]));
  const pick = (key) => median(runs.map((r) => r.result[key]));
  json.sections.catalog = runs.map((r) => r.result);
  emit(
    table(
      ["What", "In process (ms)"],
      [
        ["`createCatalog` of 1,000 explicit entries (config object)", ms(pick("buildFromObjectMs"))],
        ["the same from a 1,000-entry `catalog.yml` (config loader + catalog)", ms(pick("buildFromYamlMs"))],
        [
          "1,000 names resolved through 10 factory patterns (datasets built)",
          ms(pick("resolveThroughFactoriesMs")),
        ],
      ],
    ),
  );
  emit();
  others(meter, "catalog");
}

if (only.has("cli")) {
  emit("## 5. CLI start-up (whole processes, in a copy of examples/hello)");
  emit();
  progress("cli");
  const meter = cpuMeter();
  const project = cliProject();
  const cliSamples = Math.max(samples, 9); // cheap, and the noisiest figures here
  const commands = [
    ["`node -e 0` (Node alone)", null],
    ["`kiln --help`", ["--help"]],
    ["`kiln registry list`", ["registry", "list"]],
    // 100 rows: the nodes' own work is negligible, so the figure is Kiln's cost of a run.
    [
      "`kiln run --to-nodes fit_line --params data.rows=100` (3 nodes)",
      ["run", "--to-nodes", "fit_line", "--params", "data.rows=100"],
    ],
    ["`kiln run` (5 nodes, 10,000 rows)", ["run"]],
  ];
  // First run after clearing .kiln/cache: the project's TypeScript is compiled, then cached.
  const cold = [];
  for (let s = 0; s < cliSamples; s++) {
    rmSync(join(project, ".kiln"), { recursive: true, force: true });
    cold.push(timeCommand(project, ["registry", "list"]));
  }
  const warm = commands.map(() => []);
  for (let s = 0; s < cliSamples; s++) {
    for (const [i, [, argv]] of commands.entries()) warm[i].push(timeCommand(project, argv));
  }
  json.sections.cli = { cold, warm: Object.fromEntries(commands.map(([label], i) => [label, warm[i]])) };
  const target = (label, value) =>
    label.startsWith("`kiln") && !label.includes("10,000 rows") ? (value < 400 ? "met" : "**missed**") : "";
  emit(
    table(
      ["Command", "Median (ms)", "Min (ms)", "Target < 400 ms"],
      [
        ...commands.map(([label], i) => [
          label,
          ms(median(warm[i])),
          ms(Math.min(...warm[i])),
          target(label, median(warm[i])),
        ]),
        ["`kiln registry list`, TypeScript cache empty", ms(median(cold)), ms(Math.min(...cold)), ""],
      ],
    ),
  );
  emit();
  rmSync(project, { recursive: true, force: true });
  others(meter, "cli");
}

if (only.has("tabular")) {
  emit("## 6. Tables through the catalog (1M rows × 10 columns, whole processes)");
  emit();
  const dir = join(tmpdir(), "kiln-bench-tabular");
  mkdirSync(dir, { recursive: true });
  progress("tabular: making the CSV (kept in the temp folder for later runs)");
  const made = timeProcess("tabular.mjs", ["--make", dir]).result;
  const meter = cpuMeter();
  const steps = { "csv-to-parquet": [], "engine-floor": [], "load-parquet": [] };
  for (let s = 0; s < samples; s++) {
    for (const step of Object.keys(steps)) {
      progress(`tabular ${step} ${s + 1}/${samples} (load ${load()})`);
      steps[step].push(timeProcess("tabular.mjs", ["--step", step, "--dir", dir]));
    }
  }
  json.sections.tabular = { csvBytes: made.bytes, steps };
  const row = (label, runs, target) => {
    const wall = median(runs.map((r) => r.wallMs));
    const rss = median(runs.map((r) => r.result.peakRssMiB));
    return [label, ms(wall), ms(median(runs.map((r) => r.result.ms))), rss.toFixed(0), target(wall, rss)];
  };
  emit(
    table(
      ["Step", "Whole process (ms)", "In process (ms)", "Peak RSS (MiB)", "Target"],
      [
        row(
          "CSV (" + (made.bytes / 2 ** 20).toFixed(0) + " MiB) → Parquet: `catalog.load` + `catalog.save`",
          steps["csv-to-parquet"],
          (w, r) =>
            `≤ 1,000 ms: ${w <= 1000 ? "met" : "**missed**"}; ≤ 300 MiB: ${r <= 300 ? "met" : "**missed**"}`,
        ),
        row(
          "the same step in nodejs-polars alone (no Kiln: the engine's floor)",
          steps["engine-floor"],
          () => "",
        ),
        row("Parquet → DataFrame: `catalog.load`", steps["load-parquet"], () => ""),
      ],
    ),
  );
  emit();
  others(meter, "tabular");
}

if (only.has("frames")) {
  emit("## 8. A 1M-row × 10-column DataFrame between threads (ParallelRunner's thread codec)");
  emit();
  const dir = join(tmpdir(), "kiln-bench-tabular");
  mkdirSync(dir, { recursive: true });
  progress("frames: making the CSV of section 6 (kept in the temp folder for later runs)");
  const { file } = timeProcess("tabular.mjs", ["--make", dir]).result;
  const meter = cpuMeter();
  const runs = [];
  for (let s = 0; s < samples; s++) {
    progress(`frames sample ${s + 1}/${samples} (load ${load()})`);
    runs.push(timeProcess("frames.mjs", ["--csv", file]).result);
  }
  json.sections.frames = runs;
  const m = (pick) => median(runs.map(pick));
  const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const first = runs[0];
  const oneWay = (r, way) => r.polarsWriteMs + r.concatMs + r[way].arrivalMs + r[way].decodeMs;
  emit(
    `The table of section 6 (${first.dtypes.map((d) => d.replace(/^DataType\((.*)\)$/, "$1")).join(", ")}), ` +
      `read with \`pl.readCSV\`; its Arrow IPC (file format, uncompressed) is ${mib(first.ipcBytes)}. ` +
      "Main thread → one worker thread, as ParallelRunner sends a node's input:",
  );
  emit();
  emit(
    table(
      ["Step", "Transfer (the codec)", "Structured clone of the same IPC buffer", "Copies of the data"],
      [
        [
          "encode: Polars writes Arrow IPC (`df.writeIPC`, chunks handed to JS)",
          ms(m((r) => r.polarsWriteMs)),
          ms(m((r) => r.polarsWriteMs)),
          "1 (serialisation)",
        ],
        [
          `encode: the ${first.polarsChunks} chunks joined into one ArrayBuffer (\`Buffer.concat\`)`,
          ms(m((r) => r.concatMs)),
          ms(m((r) => r.concatMs)),
          "1 (a memcpy)",
        ],
        [
          "`postMessage` call (sender blocked)",
          ms(m((r) => r.transferred.postMs)),
          ms(m((r) => r.cloned.postMs)),
          "transfer: 0; clone: copies",
        ],
        [
          "message arrives in the worker (from `postMessage`)",
          ms(m((r) => r.transferred.arrivalMs)),
          ms(m((r) => r.cloned.arrivalMs)),
          "",
        ],
        [
          "decode: `pl.readIPC` into Polars' own columns",
          ms(m((r) => r.transferred.decodeMs)),
          ms(m((r) => r.cloned.decodeMs)),
          "1 (Polars reads the bytes)",
        ],
        [
          "**one way, total**",
          `**${ms(m((r) => oneWay(r, "transferred")))}**`,
          `**${ms(m((r) => oneWay(r, "cloned")))}**`,
          "",
        ],
        [
          "sender's IPC buffer after `postMessage`",
          `${runs.every((r) => r.transferred.senderBytesAfter === 0) ? "0 bytes (moved)" : "**not moved**"}`,
          `${mib(first.cloned.senderBytesAfter)} (still there: copied)`,
          "",
        ],
      ],
    ),
  );
  emit();
  emit(
    table(
      ["Arrow IPC format (same thread)", "Bytes", "write (ms)", "read (ms)"],
      [
        [
          "file (`writeIPC` / `readIPC`): what the codec uses",
          mib(first.ipcBytes),
          ms(m((r) => r.polarsWriteMs + r.concatMs)),
          ms(m((r) => r.fileReadMs)),
        ],
        [
          "stream (`writeIPCStream` / `readIPCStream`)",
          mib(first.streamBytes),
          ms(m((r) => r.streamWriteMs)),
          ms(m((r) => r.streamReadMs)),
        ],
      ],
    ),
  );
  emit();
  emit(
    table(
      ["ParallelRunner, one node returning its input DataFrame (there and back)", "Node time (ms)"],
      [
        ["1 row (the first decode in a worker imports nodejs-polars)", ms(m((r) => r.runnerTinyMs))],
        [`${first.rows.toLocaleString("en-US")} rows`, ms(m((r) => r.runnerBigMs))],
      ],
    ),
  );
  emit();
  others(meter, "frames");
}

if (only.has("viz")) {
  emit("## Kiln Viz (headless Chromium)");
  emit();
  const meter = cpuMeter();
  const { benchViz } = await import("./viz.mjs");
  const viz = await benchViz({ samples, progress });
  json.sections.viz = viz;
  emit(
    table(
      [
        "Pipeline (tasks)",
        "Elements / edges drawn",
        "Navigation → laid-out graph (ms)",
        "of which layout (ms)",
        "Target",
      ],
      Object.entries(viz.pages).map(([size, p]) => [
        Number(size).toLocaleString("en"),
        `${p.elements.toLocaleString("en")} / ${p.edges.toLocaleString("en")}`,
        ms(p.readyMs),
        ms(p.layoutMs),
        size === "1000"
          ? `< 2,000: ${p.readyMs < 2000 ? "met" : "**missed**"}`
          : `< 6,000: ${p.readyMs < 6000 ? "met" : "**missed**"}`,
      ]),
    ),
  );
  emit();
  emit(
    `\`/api/main\` for ${viz.api.size.toLocaleString("en")} tasks: ${ms(viz.api.requestMs)} ms per request to the running server (target < 300: ${viz.api.requestMs < 300 ? "met" : "**missed**"}); building and encoding the answer, done once when the server starts, ${ms(viz.api.firstAnswerMs)} ms.`,
  );
  emit();
  others(meter, "viz");
}

if (only.has("viz-experiments")) {
  emit("## Kiln Viz: the Experiments view over a large tracking store");
  emit();
  const meter = cpuMeter();
  const { benchVizExperiments } = await import("./viz-experiments.mjs");
  const x = await benchVizExperiments({ samples, progress });
  json.sections.vizExperiments = x;
  const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
  emit(
    table(
      ["Request (" + x.runs.toLocaleString("en") + " runs in the store)", "ms", "answer"],
      [
        [
          "`/api/experiments/runs` (newest 200; every run read from the store)",
          ms(x.api.list.ms),
          kb(x.api.list.bytes),
        ],
        [
          "`…?filter=…&order_by=…` (a metric and a param, by a metric; runs read reused)",
          ms(x.api.filtered.ms),
          kb(x.api.filtered.bytes),
        ],
        ["`…?limit=10000` (every run; runs read reused)", ms(x.api.all.ms), kb(x.api.all.bytes)],
        [
          "`/api/experiments/runs/:id` (20 steps of one metric)",
          ms(x.api.details.ms),
          kb(x.api.details.bytes),
        ],
        ["`/api/experiments/compare?runs=a,b`", ms(x.api.compare.ms), kb(x.api.compare.bytes)],
      ],
    ),
  );
  emit();
  emit(
    `Navigation to \`?tab=experiments\` until the table holds its 200 rows (every run read from the store): ${ms(x.page.tableMs)} ms.`,
  );
  emit();
  others(meter, "viz-experiments");
}

if (only.has("models")) {
  emit("## Models: packaging a training/inference pair, loading and predicting in process");
  emit();
  const project = join(tmpdir(), `kiln-bench-models-${process.pid}`);
  rmSync(project, { recursive: true, force: true });
  timeProcess("models.mjs", ["--project", project]);
  const meter = cpuMeter();
  const plain = [];
  const pair = [];
  for (let s = 0; s < samples; s++) {
    progress(`models: kiln run ${s + 1}/${samples} (load ${load()})`);
    plain.push(timeCommand(project, ["run", "--pipeline", "plain"]));
    pair.push(timeCommand(project, ["run"]));
  }
  const runs = execSync("ls .kiln/artifacts/*/", { cwd: project }).toString().trim().split("\n");
  const model = execSync(`ls -d .kiln/artifacts/*/${runs.at(-1)}/artifacts/model`, { cwd: project })
    .toString()
    .trim();
  const codeBytes = readFileSync(join(project, model, "code/inference.mjs")).byteLength;
  const loads = [];
  for (let s = 0; s < samples; s++) {
    progress(`models: loadModel ${s + 1}/${samples}`);
    const cache = join(project, `cache-${s}`);
    const cold = timeProcess("models.mjs", ["--load", join(project, model), "--cache", cache]);
    const warm = timeProcess("models.mjs", ["--load", join(project, model), "--cache", cache]);
    loads.push({ cold: cold.result, warm: warm.result });
  }
  json.sections.models = { plain, pair, codeBytes, loads };
  const m = (pick) => ms(median(loads.map(pick)));
  emit(
    table(
      ["What", "Median (ms)"],
      [
        ["`kiln run --pipeline plain` (the training pipeline alone: 3 nodes, tracked)", ms(median(plain))],
        [
          "`kiln run` (the same as a pair: packaged, tried on its example, logged, registered)",
          ms(median(pair)),
        ],
        [
          `of which packaging (the difference; the module is ${(codeBytes / 1024).toFixed(0)} KiB)`,
          ms(median(pair) - median(plain)),
        ],
        [
          "`loadModel(folder)`, first load (code copied to the cache, native packages linked)",
          m((l) => l.cold.loadMs),
        ],
        ["`loadModel(folder)` in a new process, cache present", m((l) => l.warm.loadMs)],
        ["`predict`, 1 row: p50 / p99", `${m((l) => l.warm.one.p50)} / ${m((l) => l.warm.one.p99)}`],
        [
          `\`predict\`, ${loads[0].warm.rows.toLocaleString("en")} rows: p50 / p99`,
          `${m((l) => l.warm.many.p50)} / ${m((l) => l.warm.many.p99)}`,
        ],
      ],
    ),
  );
  emit();
  others(meter, "models");
  rmSync(project, { recursive: true, force: true });
}

if (only.has("distributed")) {
  emit("## DistributedRunner overhead (1,000 trivial nodes, 2 local `kiln worker` processes)");
  emit();
  const meter = cpuMeter();
  const rows = [];
  const runs = {};
  for (const concurrency of [1, 4]) {
    progress(`distributed: 2 workers, concurrency ${concurrency} (load ${load()})`);
    const { result } = timeProcess("distributed.mjs", [
      "--samples",
      String(Math.max(3, Math.min(samples, 5))),
      "--concurrency",
      String(concurrency),
    ]);
    runs[concurrency] = result;
    const med = (list, key) => median(list.map((r) => r[key]));
    const perNode = med(result.distributed, "runMs") / result.nodes;
    rows.push([
      `DistributedRunner, 2 workers × concurrency ${concurrency}`,
      ms(med(result.distributed, "runMs")),
      ms(med(result.distributed, "wallMs")),
      `${perNode.toFixed(2)} (target < 5: ${perNode < 5 ? "met" : "**missed**"})`,
      (med(result.distributed, "cpuMs") / result.nodes).toFixed(2),
    ]);
    if (concurrency === 4) {
      for (const [label, key] of [
        ["ParallelRunner, max_workers 2", "parallel"],
        ["SequentialRunner", "sequential"],
      ]) {
        rows.push([
          label,
          ms(med(result[key], "runMs")),
          ms(med(result[key], "wallMs")),
          (med(result[key], "runMs") / result.nodes).toFixed(2),
          (med(result[key], "cpuMs") / result.nodes).toFixed(2),
        ]);
      }
    }
  }
  json.sections.distributed = runs;
  emit(
    table(
      [
        "Runner",
        "Run (ms)",
        "Whole `kiln run` (ms)",
        "Run per node (ms)",
        "CPU per node, all processes (ms)",
      ],
      rows,
    ),
  );
  emit();
  emit(
    "Nodes are `x => x + 1` in 10 layers of 100 (each reads one value of the layer before); between workers the values go through Redis (`memory=redis`), in the other runners through memory. Run = the run's own \"Pipeline completed … in\" figure; per node = run ÷ 1,000. CPU = user + system time of the whole `kiln run` process and, for the distributed runner, of the two workers and Redis while it ran (start-up included), ÷ 1,000: the figure the machine's other load disturbs least.",
  );
  emit();
  others(meter, "distributed");
}

if (only.has("serve")) {
  emit("## Serving (`kiln models serve`'s scoring server, autocannon on 127.0.0.1)");
  emit();
  const meter = cpuMeter();
  const startLoad = load();
  progress(`serve (load ${startLoad}): the spaceflights model's packaging, 9 servers × 12 s, then the soak`);
  const soak = args.quick ? 20_000 : 100_000;
  const { result } = timeProcess(
    "serve.mjs",
    ["--duration", args.quick ? 5 : 10, "--connections", 10, "--soak", soak],
    {
      stderr: "inherit",
    },
  );
  json.sections.serve = result;
  const t = result.throughput;
  // The bare server runs first and last: ratios are to the mean of both (the load moves meanwhile).
  const bareRate = t.bareAfter
    ? (t.bare.requestsPerSecond + t.bareAfter.requestsPerSecond) / 2
    : t.bare.requestsPerSecond;
  const share = (r) => `${((r.requestsPerSecond / bareRate) * 100).toFixed(0)}%`;
  const row = (label, r, target) => [
    label,
    Math.round(r.requestsPerSecond).toLocaleString("en"),
    share(r),
    String(r.p50Ms),
    String(r.p99Ms),
    target ?? "",
  ];
  emit(
    `1-row JSON requests (\`dataframe_split\`), ${result.duration} s after a 2 s warm-up, 10 connections; every server in its own process, autocannon in the benchmark's; "of bare" is of the mean of the two bare runs. Load average at start: ${startLoad}.`,
  );
  emit();
  const target = (r) =>
    `${r.requestsPerSecond >= bareRate / 2 ? "met" : "**missed**"}; p99 ${r.p99Ms < 10 ? "met" : "**missed**"}`;
  const labels = {
    bare: "bare `node:http` answering a constant",
    kilnStub: "Kiln, a model that does not read its input (protocol + DataFrame only)",
    kiln: "Kiln, linear model in JS, array out",
    kilnFrameOut: "Kiln, linear model in JS, DataFrame out",
    kilnPolars: "Kiln, linear model as Polars expressions, DataFrame out",
    spaceflights: "Kiln, the packaged spaceflights model (`kiln run` of the example)",
    kilnBatched: "Kiln, linear model in JS, array out, `--batch-max-rows 64`",
    spaceflightsBatched: "Kiln, the packaged spaceflights model, `--batch-max-rows 64`",
    bareAfter: "bare `node:http` again, last",
  };
  const targeted = new Set(["kiln", "spaceflights", "kilnBatched", "spaceflightsBatched"]);
  emit(
    table(
      ["Server", "Requests/s", "of bare", "p50 (ms)", "p99 (ms)", "Target: ≥ 50% of bare, p99 < 10 ms"],
      Object.entries(labels)
        .filter(([key]) => t[key])
        .map(([key, label]) => row(label, t[key], targeted.has(key) ? target(t[key]) : undefined)),
    ),
  );
  emit();
  if (result.paired && Object.keys(result.paired).length > 0) {
    emit(
      "Paired with the bare server (both up, alternating runs of the same length, so both see the same load): the ratio of each round, and the Kiln server's worst p99 over the rounds.",
    );
    emit();
    const pct = (x) => `${(x * 100).toFixed(0)}%`;
    emit(
      table(
        [
          "Server",
          "Rounds",
          "of bare (median)",
          "of bare (min–max)",
          "p99 max (ms)",
          "Target: ≥ 50%, p99 < 10 ms",
        ],
        Object.entries(result.paired).map(([key, p]) => [
          labels[key],
          `${p.rounds.length} × 2 s`,
          pct(p.medianRatio),
          `${pct(p.minRatio)}–${pct(p.maxRatio)}`,
          String(p.p99MaxMs),
          `${p.medianRatio >= 0.5 ? "met" : "**missed**"}; p99 ${p.p99MaxMs < 10 ? "met" : "**missed**"}`,
        ]),
      ),
    );
    emit();
  }
  if (result.soak) {
    const s = result.soak;
    emit(
      `Soak (${s.model === "linear" ? "the linear model" : "the packaged spaceflights model"}): after ${s.warmUp.toLocaleString("en")} requests of warm-up, ${s.requests.toLocaleString("en")} requests, one in five bad (invalid JSON, missing column, wrong type, unknown param, 415, 404): ${s.status2xx.toLocaleString("en")} 2xx, ${s.status4xx.toLocaleString("en")} 4xx, **${s.status5xx} 5xx** (target 0, warm-up included), ${s.errors} errors, ${s.seconds.toFixed(0)} s. Server RSS during the warm-up ${s.rssWarmUpMiB.map((m) => m.toFixed(0)).join(" → ")} MiB, then during the soak ${s.rssStepsMiB.map((m) => m.toFixed(0)).join(" → ")} MiB every quarter: **${(s.rssGrowth * 100).toFixed(1)}%** growth (target < 10%).`,
    );
    emit();
  }
  others(meter, "serve");
}

emit(`Load average at end: ${load()}.`);
mkdirSync(benchFile("results/"), { recursive: true });
writeFileSync(benchFile("results/latest.md"), `${out.join("\n")}\n`);
writeFileSync(benchFile("results/latest.json"), `${JSON.stringify(json, null, 2)}\n`);
progress("wrote bench/results/latest.md and latest.json");
