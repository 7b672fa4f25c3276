import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { RunnerError } from "../errors/index.js";
import type { Plugin } from "../hooks/index.js";
import type { Logger } from "../logging/index.js";
import {
  ConcurrentRunner,
  ParallelRunner,
  type PipelineSource,
  type Runner,
  SequentialRunner,
} from "../runner/index.js";
import { closestMatches, didYouMean, importModule } from "../utils/index.js";

/** The built-in runners and the `--runner-params` each takes (snake_case, as on the command line). */
const BUILT_IN: Record<string, string[]> = {
  sequential: [],
  concurrent: ["max_concurrency"],
  parallel: ["max_workers", "transfer"],
};

/** Runners Kiln's optional packages add, and the package to install for each. */
const OPTIONAL: Record<string, string> = {
  distributed: "@kiln/distributed",
};

const camelCase = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const snakeCase = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** `max_workers` → `maxWorkers`: runner params come from the command line in Kedro's snake_case. */
function camel(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [camelCase(k), v]));
}

/** Refuses params a built-in runner does not take, which would otherwise be dropped without a word. */
function checkBuiltInParams(runner: string, params: Record<string, unknown>): void {
  const takes = BUILT_IN[runner]!;
  const unknown = Object.keys(params).filter((key) => !takes.includes(snakeCase(key)));
  if (unknown.length === 0) return;
  const near = unknown.flatMap((key) => closestMatches(snakeCase(key), takes, 1));
  throw new RunnerError(
    "KILN_RUNNER_UNKNOWN_PARAM",
    `The ${runner} runner has no parameter ${unknown.map((k) => `"${k}"`).join(", ")}.`,
    {
      hint: [
        near.length > 0 ? `Did you mean ${near.map((n) => `"${n}"`).join(", ")}?` : "",
        takes.length > 0
          ? `It takes: ${takes.join(", ")} (e.g. --runner-params ${takes[0]}=4).`
          : "It takes no parameters: drop --runner-params.",
      ]
        .filter(Boolean)
        .join(" "),
    },
  );
}

/** The module `--runner` names, imported; a missing file or package is an error naming where it looked. */
async function importRunnerModule(specifier: string, projectPath: string): Promise<Record<string, unknown>> {
  const isPath = specifier.startsWith(".") || isAbsolute(specifier);
  const path = resolve(projectPath, specifier);
  if (isPath && !existsSync(path)) {
    let near: string | undefined;
    try {
      const names = readdirSync(dirname(path));
      near =
        names.find((name) => name.replace(/\.[cm]?[jt]sx?$/, "") === basename(path)) ??
        closestMatches(basename(path), names, 1)[0];
    } catch {
      // the folder is missing too
    }
    throw new RunnerError(
      "KILN_RUNNER_MODULE_NOT_FOUND",
      `The runner module ${path} does not exist (--runner paths are relative to the project folder ${projectPath}).`,
      {
        hint: `${near ? `Did you mean ${specifier.slice(0, specifier.length - basename(path).length)}${near}? ` : ""}Name a file that exports a runner class, e.g. --runner ./src/my-runner.ts#MyRunner.`,
      },
    );
  }
  try {
    return await importModule(specifier, projectPath);
  } catch (error) {
    const missing =
      !isPath &&
      (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" &&
      (error as Error).message.includes(`'${specifier}'`);
    if (missing) {
      throw new RunnerError(
        "KILN_RUNNER_MODULE_NOT_FOUND",
        `The runner package "${specifier}" is not installed in ${projectPath}.`,
        {
          hint: `npm install ${specifier}; or, for a file of the project, start the path with ./ (e.g. --runner ./${specifier}).`,
        },
      );
    }
    throw new RunnerError(
      "KILN_RUNNER_MODULE_FAILED",
      `Could not import the runner module ${isPath ? path : specifier}: ${(error as Error).message}`,
      { hint: "Fix the error in that module; --verbose shows where it was thrown.", cause: error },
    );
  }
}

/** What a plugin's runner factory (an entry of `Plugin.runners`) is given. */
export interface RunnerFactoryOptions {
  /** `--runner-params` as given: snake_case keys, values typed as YAML scalars. The runner checks them. */
  params: Record<string, unknown>;
  logger: Logger;
  /** The project folder. */
  projectPath: string;
  /** Where the project's pipelines are built, for runners that run nodes in other threads or processes. */
  source: PipelineSource;
  /** The plugins' thread codec modules, for runners that move values between threads. */
  threadCodecs: readonly string[];
}

/** An entry of `Plugin.runners`: makes the runner `kiln run --runner NAME` asks for. */
export type RunnerFactory = (options: RunnerFactoryOptions) => Runner | Promise<Runner>;

/**
 * The runners plugins add, by name.
 * @throws RunnerError `KILN_RUNNER_NAME_TAKEN` when a plugin runner takes a built-in runner's name or
 *   another plugin's; `KILN_RUNNER_BAD_PLUGIN_RUNNER` when an entry is not a function.
 */
function pluginRunners(plugins: readonly Plugin[]): Map<string, { factory: RunnerFactory; plugin: string }> {
  const found = new Map<string, { factory: RunnerFactory; plugin: string }>();
  for (const plugin of plugins) {
    for (const [name, factory] of Object.entries(plugin.runners ?? {})) {
      const taken = Object.hasOwn(BUILT_IN, name) ? "Kiln's built-in runner" : found.get(name)?.plugin;
      if (taken !== undefined) {
        throw new RunnerError(
          "KILN_RUNNER_NAME_TAKEN",
          `Plugin "${plugin.name}" adds a runner named "${name}", which is ${taken === "Kiln's built-in runner" ? taken : `plugin "${taken}"'s runner`} already.`,
          {
            hint: "Remove one of the plugins from the project, or ask the plugin's authors to rename its runner.",
          },
        );
      }
      if (typeof factory !== "function") {
        throw new RunnerError(
          "KILN_RUNNER_BAD_PLUGIN_RUNNER",
          `Plugin "${plugin.name}" adds runner "${name}" as ${factory === null ? "null" : typeof factory}, not a function.`,
          {
            hint: "An entry of Plugin.runners is a function that returns the runner: (options) => new MyRunner(options).",
          },
        );
      }
      found.set(name, { factory: factory as RunnerFactory, plugin: plugin.name });
    }
  }
  return found;
}

/**
 * The runner `--runner` names: `sequential`, `concurrent`, `parallel`, a runner a plugin adds
 * (`Plugin.runners`), or a module export (`./src/my-runner.ts#MyRunner`, default export when no `#`;
 * paths relative to the project), built with `--runner-params`. Module and plugin runners also get
 * `source` (where the project's pipelines load from) and `threadCodecs` (the plugins' codec
 * modules), as ParallelRunner does.
 * @throws RunnerError `KILN_RUNNER_UNKNOWN`, `KILN_RUNNER_UNKNOWN_PARAM` (a built-in runner's params
 *   are checked; a plugin's or module's runner checks its own), `KILN_RUNNER_MODULE_NOT_FOUND`,
 *   `KILN_RUNNER_MODULE_FAILED`, `KILN_RUNNER_NAME_TAKEN`, `KILN_RUNNER_BAD_PLUGIN_RUNNER`.
 */
export async function createRunner(options: {
  name: string;
  params: Record<string, unknown>;
  source: PipelineSource;
  logger: Logger;
  projectPath: string;
  /** The plugins' thread codec modules (ParallelRunner and module runners get them as `threadCodecs`). */
  threadCodecs?: readonly string[];
  /** The project's plugins, whose `runners` join the built-in ones. */
  plugins?: readonly Plugin[];
}): Promise<Runner> {
  if (Object.hasOwn(BUILT_IN, options.name)) checkBuiltInParams(options.name, options.params);
  const fromPlugins = pluginRunners(options.plugins ?? []);
  const fromPlugin = fromPlugins.get(options.name);
  if (fromPlugin) {
    return fromPlugin.factory({
      params: options.params,
      logger: options.logger,
      projectPath: options.projectPath,
      source: options.source,
      threadCodecs: options.threadCodecs ?? [],
    });
  }
  const params = camel(options.params);
  const common = { logger: options.logger };
  switch (options.name) {
    case "sequential":
      return new SequentialRunner(common);
    case "concurrent":
      return new ConcurrentRunner({ ...common, ...(params as { maxConcurrency?: number }) });
    case "parallel":
      return new ParallelRunner({
        ...common,
        ...(params as { maxWorkers?: number }),
        source: options.source,
        threadCodecs: options.threadCodecs ?? [],
      });
  }
  if (!/[./#]/.test(options.name)) {
    const pkg = OPTIONAL[options.name];
    if (pkg) {
      throw new RunnerError(
        "KILN_RUNNER_UNKNOWN",
        `The ${options.name} runner comes with ${pkg}, which is not among the project's dependencies.`,
        { hint: `npm install ${pkg} (in ${options.projectPath}), then run again.` },
      );
    }
    const names = [...Object.keys(BUILT_IN), ...fromPlugins.keys()];
    throw new RunnerError("KILN_RUNNER_UNKNOWN", `Unknown runner "${options.name}".`, {
      hint:
        didYouMean(options.name, [...names, ...Object.keys(OPTIONAL)]) ??
        `Use ${names.join(", ")}, or a module: ./src/my-runner.ts#MyRunner.`,
    });
  }
  const [specifier, exportName = "default"] = options.name.split("#") as [string, string?];
  const mod = await importRunnerModule(specifier, options.projectPath);
  const RunnerClass = mod[exportName];
  if (typeof RunnerClass !== "function") {
    throw new RunnerError(
      "KILN_RUNNER_UNKNOWN",
      `"${specifier}" has no runner class export "${exportName}".`,
      {
        hint: "Export a class with a run(pipeline, catalog, options) method, e.g. one extending BaseRunner.",
      },
    );
  }
  return new (RunnerClass as new (opts: unknown) => Runner)({
    ...common,
    ...params,
    source: options.source,
    threadCodecs: options.threadCodecs ?? [],
  });
}
