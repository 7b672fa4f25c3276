// A throwaway project for the distributed runner's end-to-end tests, and `kiln worker` processes on it.
// Its nodes leave marks in data/marks/ (which process ran what, how often) so tests can see where
// nodes ran, kill the worker running a node, and count attempts.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bin, env, repo } from "./kiln-process.js";

const PIPELINES = `
import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { node, pipeline } from "kiln";

const marks = join(process.cwd(), "data", "marks");
/** Leaves data/marks/<what>.<pid>.<n>: which process did it, the n-th time. */
function mark(what: string): number {
  mkdirSync(marks, { recursive: true });
  const n = readdirSync(marks).filter((f) => f.startsWith(\`\${what}.\`)).length + 1;
  writeFileSync(join(marks, \`\${what}.\${process.pid}.\${n}\`), "");
  return n;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const main = pipeline([
  node({ func: (n: number) => Array.from({ length: n }, (_, i) => i + 1), inputs: "params:n", outputs: "numbers", name: "make_numbers" }),
  node({ func: (xs: number[]) => xs.map((x) => x * x), inputs: "numbers", outputs: "squares", name: "square" }),
  node({ func: (xs: number[]) => xs.reduce((a, b) => a + b, 0), inputs: "squares", outputs: "total", name: "total" }),
  node({ func: (xs: number[]) => Math.max(...xs), inputs: "numbers", outputs: "biggest", name: "biggest", namespace: "stats" }),
  node({ func: (xs: number[]) => xs.length, inputs: "numbers", outputs: "count", name: "count", namespace: "stats" }),
  node({ func: (b: number, c: number, t: number) => \`\${c} numbers up to \${b}, squares sum to \${t}\`, inputs: ["biggest", "count", "total"], outputs: "summary", name: "summarize" }),
]);

/** A node that takes a while, leaving a mark first (the kill and cancel tests). */
const slow = (name: string, input: string, output: string) =>
  node({
    func: async (x: number, ms: number) => {
      mark(name);
      await sleep(ms);
      return x + 1;
    },
    inputs: [input, "params:slow_ms"],
    outputs: output,
    name,
  });

const slowChain = pipeline([
  node({ func: () => 1, inputs: [], outputs: "s0", name: "start" }),
  slow("slow_a", "s0", "s1"),
  node({ func: (x: number) => x * 10, inputs: "s1", outputs: "s2", name: "after" }),
]);

const slowFan = pipeline(
  ["f1", "f2", "f3", "f4", "f5"].map((n) => slow(n, "params:seed", \`\${n}_out\`)),
);

/** Fails on its first \`params:fail_times\` attempts, then succeeds. */
const flaky = pipeline([
  node({ func: () => 5, inputs: [], outputs: "f_in", name: "prepare" }),
  node({
    func: (x: number, times: number) => {
      const attempt = mark("flaky");
      if (attempt <= times) throw new RangeError(\`attempt \${attempt} failed on purpose\`);
      return x * 2;
    },
    inputs: ["f_in", "params:fail_times"],
    outputs: "f_out",
    name: "flaky",
  }),
]);

/** A memory dataset ("between") from one node to the next; both in namespace "mem" for group_by. */
const memory = pipeline([
  node({ func: (n: number) => ({ n, list: [n, n + 1] }), inputs: "params:n", outputs: "between", name: "produce", namespace: "mem" }),
  node({ func: (v: { n: number; list: number[] }) => v.list.reduce((a, b) => a + b, v.n), inputs: "between", outputs: "mem_total", name: "consume", namespace: "mem" }),
]);

/** Logs metrics to the tracked run (run_metrics is a tracking.MetricsDataset in the tracked variant). */
const tracked = pipeline([
  node({ func: (n: number) => Array.from({ length: n }, (_, i) => i + 1), inputs: "params:n", outputs: "numbers", name: "make_numbers" }),
  node({ func: (xs: number[]) => ({ n_count: xs.length, n_max: Math.max(...xs) }), inputs: "numbers", outputs: "run_metrics", name: "measure" }),
]);

export async function registerPipelines() {
  return { __default__: main, main, slow_chain: slowChain, slow_fan: slowFan, flaky, memory, tracked };
}
`;

const SETTINGS = `
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { defineSettings } from "kiln";

/** Records which process ran which hook, one line each, in data/hooks.log. */
const log = (line: string) => {
  mkdirSync(join(process.cwd(), "data"), { recursive: true });
  appendFileSync(join(process.cwd(), "data", "hooks.log"), \`\${process.pid} \${line}\\n\`);
};

export default defineSettings({
  plugins: [
    {
      name: "hook-recorder",
      hooks: {
        beforePipelineRun: ({ runParams }) => log(\`beforePipelineRun \${runParams.runner} \${runParams.runId}\`),
        beforeRunPart: ({ runParams, pipeline }) =>
          log(\`beforeRunPart \${pipeline.nodes.map((n) => n.name).join(",")} \${runParams.runId} \${runParams.pipelineName}\`),
        afterRunPart: ({ error }) => log(\`afterRunPart \${error ? "failed" : "ok"}\`),
        afterPipelineRun: () => log("afterPipelineRun"),
        beforeNodeRun: ({ node }) => log(\`beforeNodeRun \${node.name}\`),
        afterNodeRun: ({ node, outputs }) => log(\`afterNodeRun \${node.name} \${JSON.stringify(outputs)}\`),
        afterDatasetSaved: ({ datasetName }) => log(\`afterDatasetSaved \${datasetName}\`),
      },
    },
  ],
});
`;

const json = (name: string) => `${name}:\n  type: json.JSONDataset\n  filepath: data/out/${name}.json\n`;
const CATALOG = [
  ...["numbers", "squares", "total", "biggest", "count", "summary"],
  ...["s0", "s1", "s2", "f1_out", "f2_out", "f3_out", "f4_out", "f5_out", "f_in", "f_out", "mem_total"],
]
  .map(json)
  .join("");

/**
 * Writes the project into `dir` (node_modules linked to this repository's); with `tracking`, it
 * depends on @kiln/tracking too and `run_metrics` is a tracking.MetricsDataset (from a dataset factory).
 */
export async function writeDistributedProject(
  dir: string,
  options: { tracking?: boolean } = {},
): Promise<void> {
  await mkdir(join(dir, "src"), { recursive: true });
  await mkdir(join(dir, "conf/base"), { recursive: true });
  await mkdir(join(dir, "conf/local"), { recursive: true });
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify(
      {
        name: "dist-demo",
        private: true,
        type: "module",
        kiln: { projectName: "dist-demo", sourceDir: "src" },
        dependencies: {
          kiln: "*",
          "@kiln/distributed": "*",
          ...(options.tracking ? { "@kiln/tracking": "*" } : {}),
        },
      },
      null,
      2,
    ),
  );
  await writeFile(join(dir, "src/pipelines.ts"), PIPELINES);
  await writeFile(join(dir, "src/settings.ts"), SETTINGS);
  await writeFile(
    join(dir, "conf/base/catalog.yml"),
    // Through a factory, as spaceflights declares its metrics: workers must build it before binding it.
    options.tracking ? `${CATALOG}"{name}_metrics":\n  type: tracking.MetricsDataset\n` : CATALOG,
  );
  await writeFile(join(dir, "conf/base/parameters.yml"), "n: 6\nslow_ms: 3000\nseed: 1\nfail_times: 0\n");
  await symlink(join(repo, "node_modules"), join(dir, "node_modules"), "junction");
}

/** Marks nodes left in data/marks/: `[what, pid, n]` each. */
export async function readMarks(dir: string): Promise<Array<[string, number, number]>> {
  const names = await readdir(join(dir, "data/marks")).catch(() => [] as string[]);
  return names.map((f) => {
    const [what, pid, n] = f.split(".");
    return [what!, Number(pid), Number(n)];
  });
}

/** A `kiln` process left running (a worker, or a run to interrupt). */
export interface KilnProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null after a signal). */
  exited: Promise<number | null>;
  /** Resolves once the output matches `pattern` (rejects after `timeoutMs`, or when the process exits first). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function startKiln(cwd: string, args: string[]): KilnProcess {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env });
  let text = "";
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of waiters) w();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!pattern.test(text)) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${text}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exited.then(() => {
          if (!waiters.has(check)) return;
          cleanup();
          reject(new Error(`the process exited before ${pattern}; output:\n${text}`));
        });
        check();
      }),
  };
}

/**
 * Starts `kiln worker` processes on `queue`, with short stall settings so a killed worker's job
 * moves on within a few seconds (long enough that a worker starved of CPU on a busy machine is not
 * taken for dead), and waits until each takes jobs.
 */
export async function startWorkers(
  cwd: string,
  redis: string,
  queue: string,
  count: number,
  extra: string[] = [],
): Promise<KilnProcess[]> {
  const workers = Array.from({ length: count }, () =>
    startKiln(cwd, [
      "worker",
      "--redis",
      redis,
      "--queue",
      queue,
      "--lock-duration",
      "3000",
      "--stalled-interval",
      "500",
      ...extra,
    ]),
  );
  await Promise.all(workers.map((w) => w.waitFor(/takes jobs/)));
  return workers;
}

/** Stops workers: SIGTERM, then SIGKILL for any still there after 10 s. */
export async function stopWorkers(workers: KilnProcess[]): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) return;
      w.child.kill("SIGTERM");
      const timer = setTimeout(() => w.child.kill("SIGKILL"), 10_000);
      await w.exited;
      clearTimeout(timer);
    }),
  );
}
