/** The part of commander's `Command` the plugin uses (the core hands its program over). */
export interface CommandLike {
  command(nameAndArgs: string): CommandLike;
  description(text: string): CommandLike;
  option(flags: string, description: string, defaultValue?: string | boolean): CommandLike;
  action(fn: (...args: never[]) => unknown): CommandLike;
}

const commands = () => import("./commands.js");
const REDIS = "Redis URL (default: KILN_REDIS_URL, else redis://127.0.0.1:6379)";
const QUEUE = "the BullMQ queue (default: kiln)";

/**
 * Adds `kiln worker` and `kiln schedule add | list | rm`. Each command's code loads when it runs, so
 * other commands pay nothing for them.
 */
export function registerDistributedCommands(program: CommandLike): void {
  program
    .command("worker")
    .description(
      "take jobs from the queue: nodes of distributed runs (--runner distributed) and scheduled runs",
    )
    .option("--concurrency <n>", "jobs this process runs at once (default: 1)")
    .option("--queue <name>", QUEUE)
    .option("--redis <url>", REDIS)
    .option("-e, --env <env>", "config environment of scheduled runs whose schedule names none")
    .option(
      "--lock-duration <ms>",
      "how long a job stays this worker's without a sign of life (default: 60000)",
    )
    .option("--stalled-interval <ms>", "how often to look for jobs of dead workers (default: 30000)")
    .option(
      "--max-stalled <n>",
      "times a job may be taken back from a dead worker before it fails (default: 1)",
    )
    .action(async (flags: Record<string, string | undefined>) => (await commands()).worker(flags));

  const schedule = program
    .command("schedule")
    .description("run pipelines on a schedule (kiln worker runs them)");
  schedule
    .command("add <name>")
    .description("add a schedule: run a pipeline at the times a cron expression gives (or every interval)")
    .option("--pipeline <name>", "the pipeline to run (default: __default__)")
    .option("--cron <expression>", 'when: "0 3 * * *" = 03:00 daily; six fields put seconds first')
    .option("--every <interval>", "or how often: 30s, 15m, 1h, 1d")
    .option("--tz <zone>", "the time zone of --cron (default: the workers' local time)")
    .option("-p, --params <a.b=1,...>", "parameters of the runs, as for kiln run")
    .option("-e, --env <env>", "the config environment of the runs")
    .option("--replace", "replace a schedule of that name")
    .option("--queue <name>", QUEUE)
    .option("--redis <url>", REDIS)
    .action(async (name: string, flags: Record<string, string | boolean | undefined>) =>
      (await commands()).scheduleAdd(name, flags),
    );
  schedule
    .command("list")
    .description("the schedules of the queue, with their next run")
    .option("--json", "print them as JSON")
    .option("--queue <name>", QUEUE)
    .option("--redis <url>", REDIS)
    .action(async (flags: Record<string, string | boolean | undefined>) =>
      (await commands()).scheduleList(flags),
    );
  schedule
    .command("rm <name>")
    .description("remove a schedule (runs already started go on)")
    .option("--queue <name>", QUEUE)
    .option("--redis <url>", REDIS)
    .action(async (name: string, flags: Record<string, string | undefined>) =>
      (await commands()).scheduleRemove(name, flags),
    );
}
