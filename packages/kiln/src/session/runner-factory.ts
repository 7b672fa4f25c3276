import { RunnerError } from "../errors/index.js";
import type { Logger } from "../logging/index.js";
import {
  ConcurrentRunner,
  ParallelRunner,
  type PipelineSource,
  type Runner,
  SequentialRunner,
} from "../runner/index.js";
import { didYouMean, importModule } from "../utils/index.js";

const BUILT_IN = ["sequential", "concurrent", "parallel"];

/** `max_workers` → `maxWorkers`: runner params come from the command line in Kedro's snake_case. */
function camel(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
}

/**
 * The runner `--runner` names: `sequential`, `concurrent`, `parallel`, or a module export
 * (`./src/my-runner.ts#MyRunner`, default export when no `#`), built with `--runner-params`.
 */
export async function createRunner(options: {
  name: string;
  params: Record<string, unknown>;
  source: PipelineSource;
  logger: Logger;
  projectPath: string;
}): Promise<Runner> {
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
      });
  }
  if (!/[./#]/.test(options.name)) {
    throw new RunnerError("KILN_RUNNER_UNKNOWN", `Unknown runner "${options.name}".`, {
      hint:
        didYouMean(options.name, BUILT_IN) ??
        `Use ${BUILT_IN.join(", ")}, or a module: ./src/my-runner.ts#MyRunner.`,
    });
  }
  const [specifier, exportName = "default"] = options.name.split("#") as [string, string?];
  const mod = await importModule(specifier, options.projectPath);
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
  return new (RunnerClass as new (opts: unknown) => Runner)({ ...common, ...params, source: options.source });
}
