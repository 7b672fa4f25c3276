/** Helpers shared by the benchmark scripts: argument parsing, statistics, timed child processes, tables. */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  cpSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** `--key value` and `--flag` pairs as an object of strings (flags are "true"). */
export function parseArgs(argv = process.argv.slice(2)) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, "");
    const eq = key.indexOf("=");
    if (eq !== -1) args[key.slice(0, eq)] = key.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) args[key] = argv[++i];
    else args[key] = "true";
  }
  return args;
}

export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds with sensible precision. */
export function ms(value) {
  if (!Number.isFinite(value)) return "n/a";
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

/** Prints one JSON result line; the orchestrator reads the last line of a child's stdout. */
export function report(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Absolute path of a file in bench/. */
export const benchFile = (name) => fileURLToPath(new URL(name, import.meta.url));

/**
 * Runs `node bench/<script> ...args` and times the whole process (spawn to exit) with performance.now().
 * `stderr` is "null" (/dev/null), a file path, or "inherit". Returns the wall time and the child's JSON result.
 */
export function timeProcess(script, args = [], { stderr = "null", env = {} } = {}) {
  const childEnv = { ...process.env, ...env };
  delete childEnv.KILN_LOG_LEVEL; // the default logging is what is measured unless a script changes it
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const fd = stderr === "inherit" ? "inherit" : openSync(stderr === "null" ? "/dev/null" : stderr, "w");
  try {
    const t0 = performance.now();
    const child = spawnSync(process.execPath, [benchFile(script), ...args.map(String)], {
      stdio: ["ignore", "pipe", fd],
      env: childEnv,
      maxBuffer: 64 * 1024 * 1024,
    });
    const wallMs = performance.now() - t0;
    if (child.status !== 0) {
      throw new Error(`node bench/${script} ${args.join(" ")} exited with ${child.status ?? child.signal}`);
    }
    const lines = child.stdout.toString().trim().split("\n");
    return { wallMs, result: JSON.parse(lines[lines.length - 1]) };
  } finally {
    if (typeof fd === "number") closeSync(fd);
  }
}

/** A markdown table from a header row and data rows. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function readTicks() {
  try {
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu;
    const self = readFileSync("/proc/self/stat", "utf8");
    const fields = self
      .slice(self.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
    // utime, stime, cutime, cstime are fields 14-17 of /proc/<pid>/stat (11-14 after the command name).
    const ours = fields[11] + fields[12] + fields[13] + fields[14];
    return {
      busy: user + nice + system + irq + softirq + steal,
      total: user + nice + system + idle + iowait + irq + softirq + steal,
      ours,
    };
  } catch {
    return undefined; // not Linux
  }
}

/**
 * Measures how much CPU other processes used while the benchmark ran (Linux /proc): figures taken on a
 * busy machine are pessimistic. stop() returns the share of the machine's CPU time they used, or undefined.
 */
export function cpuMeter() {
  const start = readTicks();
  return {
    stop() {
      const end = readTicks();
      if (!start || !end || end.total === start.total) return undefined;
      const others = end.busy - start.busy - (end.ours - start.ours);
      return Math.max(0, others / (end.total - start.total));
    },
  };
}

const kilnBin = fileURLToPath(new URL("../packages/kiln/bin/kiln.js", import.meta.url));

/** A throwaway copy of examples/hello whose node_modules is the repository's (kiln, zod). */
export function cliProject() {
  const dir = mkdtempSync(join(tmpdir(), "kiln-bench-hello-"));
  cpSync(fileURLToPath(new URL("../examples/hello/", import.meta.url)), dir, {
    recursive: true,
    filter: (src) => !/[\\/](data|\.kiln)[\\/]./.test(src) || src.endsWith(".gitkeep"),
  });
  rmSync(join(dir, ".kiln"), { recursive: true, force: true });
  symlinkSync(fileURLToPath(new URL("../node_modules", import.meta.url)), join(dir, "node_modules"));
  // A project under git, as users' are: each run records the commit and whether the tree is dirty.
  const git = (...args) =>
    spawnSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], { cwd: dir });
  writeFileSync(join(dir, ".gitignore"), "node_modules\n.kiln/\ndata/\n");
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "bench project");
  return dir;
}

/** Wall time (ms) of `kiln ...argv` in `cwd`, spawn to exit; `argv` null times `node -e 0`. */
export function timeCommand(cwd, argv) {
  const args = argv === null ? ["-e", "0"] : [kilnBin, ...argv];
  const t0 = performance.now();
  const child = spawnSync(process.execPath, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  const wallMs = performance.now() - t0;
  if (child.status !== 0) throw new Error(`kiln ${argv.join(" ")} exited ${child.status}: ${child.stderr}`);
  return wallMs;
}
