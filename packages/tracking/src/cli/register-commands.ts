/** The part of commander's `Command` the plugin uses (the core hands its program over). */
export interface CommandLike {
  readonly commands: readonly CommandLike[];
  name(): string;
  command(nameAndArgs: string): CommandLike;
  description(text: string): CommandLike;
  option(flags: string, description: string, defaultValue?: string | boolean): CommandLike;
  action(fn: (...args: never[]) => unknown): CommandLike;
}

const commands = () => import("./commands.js");
const models = () => import("./models-commands.js");

/**
 * The `kiln models` group, shared with @kiln/serve (predict, serve): whichever plugin registers
 * first creates it.
 */
function modelsGroup(program: CommandLike): CommandLike {
  return (
    program.commands.find((c) => c.name() === "models") ??
    program.command("models").description("packaged models: list, show, alias, predict, serve")
  );
}

/** Adds `kiln models list | show | alias`: the model registry. */
export function registerModelCommands(program: CommandLike): void {
  const group = modelsGroup(program);
  group
    .command("list")
    .description("registered models, with their latest version and aliases")
    .option("-e, --env <env>", "the config environment (which tracking.yml)")
    .option("--json", "print the models as JSON")
    .action(async (flags: { env?: string; json?: boolean }) => (await models()).list(flags));
  group
    .command("show <model>")
    .description("NAME: its versions; NAME/VERSION or NAME@ALIAS: that version, with its signature")
    .option("-e, --env <env>", "the config environment (which tracking.yml)")
    .option("--json", "print it as JSON")
    .action(async (ref: string, flags: { env?: string; json?: boolean }) =>
      (await models()).show(ref, flags),
    );
  group
    .command("alias <model> <alias> [version]")
    .description("point an alias (champion) at a version: models:/NAME@ALIAS then loads it")
    .option("-e, --env <env>", "the config environment (which tracking.yml)")
    .option("--delete", "remove the alias instead")
    .action(
      async (
        name: string,
        alias: string,
        version: string | undefined,
        flags: { env?: string; delete?: boolean },
      ) => (await models()).alias(name, alias, version, flags),
    );
}

/**
 * Adds `kiln tracking init | runs | show | compare`. Each command's code loads when it runs, so
 * `kiln --help` and other commands pay nothing for them.
 */
export function registerTrackingCommands(program: CommandLike): void {
  const tracking = program
    .command("tracking")
    .description("runs recorded by @kiln/tracking: init, runs, show, compare");
  tracking
    .command("init")
    .description("write conf/<env>/tracking.yml with every key, its default and what it does")
    .option("-e, --env <env>", "the config environment folder to write into", "base")
    .option("--force", "replace an existing tracking.yml")
    .action(async (flags: { env: string; force?: boolean }) => (await commands()).init(flags));
  tracking
    .command("runs")
    .description("list tracked runs, newest first (filter and order as MLflow's search)")
    .option("-e, --env <env>", "the config environment (which tracking.yml)")
    .option("--experiment <names>", "experiments to list, comma-separated (default: the configured one)")
    .option("--filter <text>", 'e.g. "metrics.r2_score > 0.3 and params.model_options.test_size = 0.2"')
    .option("--order-by <text>", 'e.g. "metrics.r2_score DESC" (default: newest first)')
    .option("--limit <n>", "at most this many runs", "20")
    .option("--json", "print the runs as JSON (with every param, metric and tag)")
    .action(async (flags: Record<string, string | boolean | undefined>) => (await commands()).runs(flags));
  tracking
    .command("show <run>")
    .description("a run's params, metrics, tags, nodes, lineage and artifacts (an id or its unique start)")
    .option("-e, --env <env>", "the config environment (which tracking.yml)")
    .option("--logs", "print the run's log lines too")
    .option("--json", "print everything as JSON")
    .action(async (run: string, flags: { env?: string; logs?: boolean; json?: boolean }) =>
      (await commands()).show(run, flags),
    );
  tracking
    .command("compare <runs...>")
    .description("params and metrics of two or more runs side by side, differences marked with *")
    .option("-e, --env <env>", "the config environment (which tracking.yml)")
    .option("--only-diff", "only the rows that differ")
    .option("--json", "print the comparison as JSON")
    .action(async (runs: string[], flags: { env?: string; onlyDiff?: boolean; json?: boolean }) =>
      (await commands()).compare(runs, flags),
    );
}
