import { basename, isAbsolute, relative } from "node:path";
import { parseConfigFile, parseRuntimeParams } from "../../config/index.js";
import type { KilnError } from "../../errors/index.js";
import { getDefaultLogger } from "../../logging/index.js";
import { KilnSession, type SessionRunOptions } from "../../session/index.js";
import { closestMatches } from "../../utils/index.js";
import { liveProgress } from "../logging-setup.js";
import { keyValues, loadVersions, UsageError } from "../parse-args.js";

/** `kiln run`'s options as commander hands them over (or a `--config` file gives them). */
export interface RunFlags extends Omit<SessionRunOptions, "runnerParams" | "loadVersions"> {
  env?: string;
  params?: string | Record<string, unknown>;
  confSource?: string;
  config?: string;
  /** `k=v,…` from the command line, or a mapping from a `--config` file. */
  runnerParams?: string | Record<string, unknown>;
  /** `name:version,…` from the command line, or a mapping from a `--config` file. */
  loadVersions?: string | Record<string, string>;
}

/** What `kiln run` needs besides its flags. */
export interface RunCommandContext {
  /** The command line after `kiln`, recorded and used in the resume suggestion. */
  argv: string[];
  /** The run command's option names (camelCase): the keys a `--config` file may use. */
  optionNames: string[];
}

const camel = (key: string) => key.replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase());
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
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

/** `name` written the way the user wrote `like` (snake_case, kebab-case or camelCase). */
function styledAs(name: string, like: string): string {
  if (like.includes("-")) return snake(name).replace(/_/g, "-");
  if (/[A-Z]/.test(like) && !like.includes("_")) return name;
  return snake(name);
}

/**
 * Reads the `run:` section of a `--config` file; command-line flags win over it. Keys are the
 * run options in snake_case (Kedro's), kebab-case or camelCase.
 * @throws UsageError `KILN_CLI_BAD_CONFIG_FILE` for no `run:` mapping or unknown keys (file:line, close match).
 */
async function fromConfigFile(file: string, optionNames: string[]): Promise<Partial<RunFlags>> {
  const { value: doc, locations } = await parseConfigFile(file).catch((error: unknown) => {
    if ((error as KilnError).code !== "KILN_CONFIG_READ_FAILED") throw error; // syntax: names file:line
    const reason = ((error as KilnError).cause as NodeJS.ErrnoException | undefined)?.code ?? "unreadable";
    throw new UsageError("KILN_CLI_BAD_CONFIG_FILE", `Could not read --config ${file} (${reason}).`, {
      hint: "Give the path of a YAML file with a `run:` mapping, relative to the working directory.",
    });
  });
  const run = doc.run;
  if (run === null || typeof run !== "object" || Array.isArray(run)) {
    throw new UsageError("KILN_CLI_BAD_CONFIG_FILE", `--config ${file} has no \`run:\` mapping.`, {
      hint: "Put the options under a `run:` key, e.g.\nrun:\n  pipeline: data_science\n  tags: [training]",
    });
  }
  const known = optionNames.filter((name) => name !== "config");
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(run)) {
    const name = camel(key);
    if (!known.includes(name)) {
      const line = locations.get(["run", key])?.line;
      const near = closestMatches(name, known, 1)[0];
      problems.push(
        `${file}${line ? `:${line}` : ""}: unknown key "${key}"${near ? ` (did you mean "${styledAs(near, key)}"?)` : ""}`,
      );
      continue;
    }
    out[name] =
      LIST_OPTIONS.has(name) && typeof value === "string" ? value.split(",").map((s) => s.trim()) : value;
  }
  if (problems.length > 0) {
    throw new UsageError(
      "KILN_CLI_BAD_CONFIG_FILE",
      problems.length === 1
        ? `--config ${problems[0]}.`
        : `--config ${file} has unknown keys:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      { hint: `The run: keys are the kiln run options: ${known.map(snake).join(", ")}.` },
    );
  }
  return out as Partial<RunFlags>;
}

/** `kiln run`: a thin shell over KilnSession.run. */
export async function run(flags: RunFlags, { argv, optionNames }: RunCommandContext): Promise<void> {
  const merged: RunFlags = flags.config
    ? { ...(await fromConfigFile(flags.config, optionNames)), ...stripUndefined(flags) }
    : flags;
  const {
    env,
    params,
    confSource,
    config: _config,
    runnerParams,
    loadVersions: versions,
    ...runOptions
  } = merged;
  // Values are checked before the project loads: a typo costs no start-up.
  const options: SessionRunOptions = {
    ...runOptions,
    ...(runnerParams !== undefined
      ? {
          runnerParams:
            typeof runnerParams === "string" ? keyValues(runnerParams, "--runner-params") : runnerParams,
        }
      : {}),
    ...(versions !== undefined
      ? { loadVersions: typeof versions === "string" ? loadVersions(versions) : versions }
      : {}),
    command: ["kiln", ...argv.map(quote)].join(" "),
  };
  const runtimeParams = typeof params === "string" ? parseRuntimeParams(params) : params;
  const session = await KilnSession.create({
    ...(env ? { env } : {}),
    ...(confSource ? { confSource } : {}),
    ...(runtimeParams ? { runtimeParams } : {}),
    logger: getDefaultLogger(),
  });
  const progress = liveProgress(); // a terminal's live line, cleared before anything else is printed
  try {
    try {
      await session.run(progress ? { ...options, onProgress: progress.update } : options);
    } finally {
      progress?.stop();
    }
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
