/**
 * Section 8: the distributed runner's overhead. A project of `--nodes` trivial nodes (x => x + 1) in
 * layers of `--width`, each reading one value of the layer before; a private redis-server; `--workers`
 * `kiln worker` processes (`--concurrency` jobs each); then `kiln run` with the distributed runner
 * (values between nodes kept in Redis: memory=redis), the parallel runner (max_workers = workers) and
 * the sequential runner, `--samples` times each. Prints one JSON line: run times (from the run's
 * "Pipeline completed … in X" line), whole-process times, and the CPU time of every process involved
 * (`kiln run`, and for the distributed runner the workers and Redis too).
 *   node bench/distributed.mjs [--nodes 1000] [--width 100] [--workers 2] [--concurrency 4] [--samples 3]
 */
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, report } from "./lib.mjs";

const args = parseArgs();
const nodes = Number(args.nodes ?? 1000);
const width = Number(args.width ?? 100);
const workers = Number(args.workers ?? 2);
const concurrency = Number(args.concurrency ?? 4);
const samples = Number(args.samples ?? 3);
const repo = fileURLToPath(new URL("..", import.meta.url));
const kiln = join(repo, "packages/kiln/bin/kiln.js");

const PIPELINES = `
import { node, pipeline } from "kiln";
const NODES = ${nodes};
const WIDTH = ${width};
const inc = (x: number) => x + 1;
export async function registerPipelines() {
  const all = [];
  for (let i = 0; i < NODES; i++) {
    const layer = Math.floor(i / WIDTH);
    const col = i % WIDTH;
    all.push(node({ func: inc, inputs: layer === 0 ? "params:seed" : \`d\${layer - 1}_\${col}\`, outputs: \`d\${layer}_\${col}\`, name: \`n\${layer}_\${col}\` }));
  }
  const p = pipeline(all);
  return { __default__: p };
}
`;

function project() {
  const dir = mkdtempSync(join(tmpdir(), "kiln-bench-distributed-"));
  mkdirSync(join(dir, "src"));
  mkdirSync(join(dir, "conf/base"), { recursive: true });
  mkdirSync(join(dir, "conf/local"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "bench-distributed",
      private: true,
      type: "module",
      kiln: { projectName: "bench-distributed", sourceDir: "src" },
      dependencies: { kiln: "*", "@kiln/distributed": "*" },
    }),
  );
  writeFileSync(join(dir, "src/pipelines.ts"), PIPELINES);
  writeFileSync(join(dir, "conf/base/parameters.yml"), "seed: 1\n");
  symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"));
  return dir;
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Spawns a process and resolves once its output matches `pattern`. */
function startUntil(command, argv, cwd, pattern) {
  const child = spawn(command, argv, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      text += chunk;
      if (pattern.test(text)) {
        // Keep draining the pipes (a full pipe would block the process), without keeping the text.
        child.stdout.off("data", onData);
        child.stderr.off("data", onData);
        child.stdout.resume();
        child.stderr.resume();
        resolve(child);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`${command} exited (${code}) before ${pattern}:\n${text}`)),
    );
  });
}

const ticks = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** CPU time (ms) from /proc/<pid>/stat: the process's own (utime + stime), or its waited-for children's. */
function cpuMs(pid, children = false) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  // After "pid (comm) " comes field 3: utime (14) and stime (15) are at 11 and 12, cutime and cstime at 13 and 14.
  const [a, b] = children ? [fields[13], fields[14]] : [fields[11], fields[12]];
  return ((Number(a) + Number(b)) * 1000) / ticks;
}

/**
 * `kiln run ...` in `dir`: whole-process time, the run time its last log line gives, and the CPU
 * time it and the `others` processes (workers, Redis) used, which load on the rest of the machine
 * disturbs far less than wall time.
 */
function timedRun(dir, argv, others = []) {
  const cpu = () => cpuMs("self", true) + others.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const cpu0 = cpu();
  const t0 = performance.now();
  const child = spawnSync(process.execPath, [kiln, "run", ...argv], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const wallMs = performance.now() - t0;
  if (child.status !== 0)
    throw new Error(`kiln run ${argv.join(" ")} exited ${child.status}:\n${child.stderr.slice(-3000)}`);
  const m = /Pipeline completed: \d+ nodes in ([\d.]+) (ms|s)/.exec(child.stderr);
  if (!m) throw new Error(`no completion line:\n${child.stderr.slice(-2000)}`);
  return { wallMs, runMs: Number(m[1]) * (m[2] === "s" ? 1000 : 1), cpuMs: cpu() - cpu0 };
}

const bin = process.env.KILN_REDIS_SERVER ?? "/usr/bin/redis-server";
if (!existsSync(bin)) throw new Error(`${bin} is missing: apt-get install -y redis-server`);
const dir = project();
const port = await freePort();
const redisDir = mkdtempSync(join(tmpdir(), "kiln-bench-redis-"));
const redis = await startUntil(
  bin,
  ["--port", String(port), "--bind", "127.0.0.1", "--dir", redisDir, "--save", "", "--appendonly", "no"],
  dir,
  /ready to accept connections/i,
);
const url = `redis://127.0.0.1:${port}`;
const started = [];
try {
  for (let i = 0; i < workers; i++) {
    started.push(
      await startUntil(
        process.execPath,
        [kiln, "worker", "--redis", url, "--queue", "bench", "--concurrency", String(concurrency)],
        dir,
        /takes jobs/,
      ),
    );
  }
  const result = { nodes, width, workers, concurrency, distributed: [], parallel: [], sequential: [] };
  timedRun(dir, ["--runner", "distributed", "--runner-params", `redis=${url},queue=bench,memory=redis`]); // warm-up: compile cache, worker sessions
  const helpers = [redis.pid, ...started.map((w) => w.pid)];
  for (let s = 0; s < samples; s++) {
    result.distributed.push(
      timedRun(
        dir,
        ["--runner", "distributed", "--runner-params", `redis=${url},queue=bench,memory=redis`],
        helpers,
      ),
    );
    result.parallel.push(
      timedRun(dir, ["--runner", "parallel", "--runner-params", `max_workers=${workers}`]),
    );
    result.sequential.push(timedRun(dir, []));
  }
  report(result);
} finally {
  for (const w of started) w.kill("SIGKILL");
  redis.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
  rmSync(redisDir, { recursive: true, force: true });
}
