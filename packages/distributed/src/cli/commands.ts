import { KilnSession, parseRuntimeParams } from "kiln";
import { DistributedError } from "../errors.js";
import { parseEvery } from "../schedule/cron.js";
import { type ListedSchedule, Schedules } from "../schedule/schedules.js";
import { KilnWorker } from "../worker/kiln-worker.js";

const print = (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
const str = (value: unknown) => (typeof value === "string" ? value : undefined);

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw new DistributedError("KILN_DISTRIBUTED_BAD_OPTION", `${flag} ${value} is not a whole number.`, {
      hint: `e.g. ${flag} 2`,
    });
  }
  return Number(value);
}

/** `kiln worker`: takes jobs until SIGINT / SIGTERM, then finishes the running ones (a second signal: at once). */
export async function worker(flags: Record<string, string | undefined>): Promise<void> {
  const started = await KilnWorker.start({
    ...(flags.redis ? { redis: flags.redis } : {}),
    ...(flags.queue ? { queue: flags.queue } : {}),
    ...(flags.env ? { env: flags.env } : {}),
    ...opt("concurrency", integer("--concurrency", flags.concurrency)),
    ...opt("lockDuration", integer("--lock-duration", flags.lockDuration)),
    ...opt("stalledInterval", integer("--stalled-interval", flags.stalledInterval)),
    ...opt("maxStalled", integer("--max-stalled", flags.maxStalled)),
  });
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`${signal} again: stopping now; BullMQ gives running jobs to other workers.\n`);
        void started.closeNow().finally(() => process.exit(130));
        return;
      }
      stopping = true;
      process.stderr.write(
        `${signal}: finishing the running jobs, then stopping (${signal} again to stop now).\n`,
      );
      void started.close().then(resolve, resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function opt<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

async function withSchedules<T>(
  flags: Record<string, unknown>,
  body: (s: Schedules) => Promise<T>,
): Promise<T> {
  const schedules = await Schedules.open({
    ...(str(flags.redis) ? { redis: str(flags.redis)! } : {}),
    ...(str(flags.queue) ? { queue: str(flags.queue)! } : {}),
  });
  try {
    return await body(schedules);
  } finally {
    await schedules.close();
  }
}

/** How a schedule's timing reads: `cron "0 3 * * *" (Europe/Paris)` or `every 15m`. */
function timing(s: { cron?: string; every?: number; tz?: string }): string {
  if (s.cron !== undefined) return `cron "${s.cron}"${s.tz ? ` (${s.tz})` : ""}`;
  const ms = s.every ?? 0;
  const [n, unit] =
    ms % 86_400_000 === 0
      ? [ms / 86_400_000, "d"]
      : ms % 3_600_000 === 0
        ? [ms / 3_600_000, "h"]
        : ms % 60_000 === 0
          ? [ms / 60_000, "m"]
          : ms % 1000 === 0
            ? [ms / 1000, "s"]
            : [ms, "ms"];
  return `every ${n}${unit}`;
}

/** `kiln schedule add NAME`: checks the pipeline and parameters against the project, then adds the scheduler. */
export async function scheduleAdd(
  name: string,
  flags: Record<string, string | boolean | undefined>,
): Promise<void> {
  const pipeline = str(flags.pipeline) ?? "__default__";
  const params = str(flags.params);
  const env = str(flags.env);
  const runtimeParams = params !== undefined ? parseRuntimeParams(params) : undefined;
  const session = await KilnSession.create({
    ...(env ? { env } : {}),
    ...(runtimeParams ? { runtimeParams } : {}),
  });
  try {
    await session.selectPipeline({ pipeline }); // an unknown pipeline fails now, with did-you-mean
  } finally {
    await session.close();
  }
  const every = str(flags.every);
  const schedule = {
    name,
    pipeline,
    ...(str(flags.cron) !== undefined ? { cron: str(flags.cron)! } : {}),
    ...(every !== undefined ? { every: parseEvery(every) } : {}),
    ...(str(flags.tz) ? { tz: str(flags.tz)! } : {}),
    ...(params !== undefined ? { params } : {}),
    ...(env ? { env } : {}),
  };
  const next = await withSchedules(flags, (s) => s.add(schedule, { replace: flags.replace === true }));
  print(
    `${flags.replace ? "Set" : "Added"} schedule "${name}": pipeline ${pipeline}, ${timing(schedule)}${next ? `, next run ${next.toISOString()}` : ""}. A kiln worker on queue "${str(flags.queue) ?? "kiln"}" runs it.`,
  );
}

/** `kiln schedule list`: a table (or JSON) of the queue's schedules. */
export async function scheduleList(flags: Record<string, string | boolean | undefined>): Promise<void> {
  const listed = await withSchedules(flags, (s) => s.list());
  if (flags.json) {
    print(
      JSON.stringify(
        listed.map((s) => ({ ...s, next: s.next?.toISOString() ?? null })),
        null,
        2,
      ),
    );
    return;
  }
  if (listed.length === 0) {
    print('No schedules. Add one: kiln schedule add NAME --pipeline P --cron "0 3 * * *"');
    return;
  }
  const rows = listed.map((s: ListedSchedule) => [
    s.name,
    s.pipeline,
    timing(s),
    s.next?.toISOString() ?? "-",
    s.env ?? "-",
    s.params ?? "-",
  ]);
  const header = ["NAME", "PIPELINE", "WHEN", "NEXT RUN", "ENV", "PARAMS"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  print([line(header), ...rows.map(line)].join("\n"));
}

/** `kiln schedule rm NAME`. */
export async function scheduleRemove(name: string, flags: Record<string, string | undefined>): Promise<void> {
  await withSchedules(flags, (s) => s.remove(name));
  print(`Removed schedule "${name}".`);
}
