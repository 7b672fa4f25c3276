import { readFile } from "node:fs/promises";
import { basename, isAbsolute, relative } from "node:path";
import { parse } from "yaml";
import { parseRuntimeParams } from "../../config/index.js";
import { getDefaultLogger } from "../../logging/index.js";
import { KilnSession, type SessionRunOptions } from "../../session/index.js";
import { UsageError } from "../parse-args.js";

/** `kiln run`'s options as commander hands them over. */
export interface RunFlags extends SessionRunOptions {
  env?: string;
  params?: string;
  confSource?: string;
  config?: string;
}

const camel = (key: string) => key.replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase());
const LIST_OPTIONS = new Set([
  "pipelines",
  "nodes",
  "fromNodes",
  "toNodes",
  "fromInputs",
  "toOutputs",
  "tags",
  "namespaces",
]);

/** Reads the `run:` section of a `--config` file; command-line flags win over it. */
async function fromConfigFile(file: string): Promise<Partial<RunFlags>> {
  let doc: unknown;
  try {
    doc = parse(await readFile(file, "utf8"), { schema: "core" });
  } catch (error) {
    throw new UsageError(
      "KILN_CLI_BAD_CONFIG_FILE",
      `Could not read --config ${file}: ${(error as Error).message}`,
      {
        hint: "The file is YAML with a `run:` mapping, e.g.\nrun:\n  pipeline: data_science\n  tags: [training]",
      },
    );
  }
  const run = (doc as { run?: unknown } | null)?.run;
  if (run === null || typeof run !== "object" || Array.isArray(run)) {
    throw new UsageError("KILN_CLI_BAD_CONFIG_FILE", `--config ${file} has no \`run:\` mapping.`, {
      hint: "Put the options under a `run:` key.",
    });
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(run)) {
    const name = camel(key);
    out[name] =
      LIST_OPTIONS.has(name) && typeof value === "string" ? value.split(",").map((s) => s.trim()) : value;
  }
  return out as Partial<RunFlags>;
}

/** `kiln run`: a thin shell over KilnSession.run. */
export async function run(flags: RunFlags, argv: string[]): Promise<void> {
  const merged: RunFlags = flags.config
    ? { ...(await fromConfigFile(flags.config)), ...stripUndefined(flags) }
    : flags;
  const session = await KilnSession.create({
    ...(merged.env ? { env: merged.env } : {}),
    ...(merged.confSource ? { confSource: merged.confSource } : {}),
    ...(merged.params
      ? {
          runtimeParams:
            typeof merged.params === "string" ? parseRuntimeParams(merged.params) : merged.params,
        }
      : {}),
    logger: getDefaultLogger(),
  });
  const { env: _env, params: _params, confSource: _conf, config: _config, ...runOptions } = merged;
  try {
    await session.run({ ...runOptions, command: ["kiln", ...argv.map(quote)].join(" ") });
    printSaved(session.lastRun?.saved ?? []);
  } finally {
    await session.close(); // removes an extracted --conf-source archive
  }
}

/** Where the run's persisted outputs are, on stdout: what a person looks for after a run. */
function printSaved(saved: Array<{ dataset: string; filepath: string; version: string | null }>): void {
  if (saved.length === 0) return;
  const width = Math.max(...saved.map((s) => s.dataset.length));
  const lines = saved.map(({ dataset, filepath, version }) => {
    const path = version ? `${filepath}/${version}/${basename(filepath)}` : filepath;
    const shown = isAbsolute(path) ? relative(process.cwd(), path) || path : path;
    return `  ${dataset.padEnd(width)}  ${shown}`;
  });
  process.stdout.write(
    `Saved ${saved.length} dataset${saved.length === 1 ? "" : "s"}:\n${lines.join("\n")}\n`,
  );
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function quote(arg: string): string {
  return /^[\w./:=,@-]+$/.test(arg) ? arg : `"${arg.replace(/"/g, '\\"')}"`;
}
