/** The part of commander's `Command` the plugin uses (the core hands its program over). */
export interface CommandLike {
  command(nameAndArgs: string): CommandLike;
  description(text: string): CommandLike;
  option(flags: string, description: string, defaultValue?: string | boolean): CommandLike;
  action(fn: (...args: never[]) => unknown): CommandLike;
}

const commands = () => import("./commands.js");

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
