import { CronExpressionParser } from "cron-parser";
import { DistributedError } from "../errors.js";

const FIELDS = "minute hour day-of-month month day-of-week (or second first, for six fields)";

/**
 * Checks a cron expression as BullMQ will read it: five fields, or six with seconds first, and an
 * optional IANA time zone.
 * @returns the next time it fires after `from`.
 * @throws DistributedError `KILN_DISTRIBUTED_BAD_CRON` saying what is wrong, with examples.
 */
export function checkCron(expression: string, options: { tz?: string; from?: Date } = {}): Date {
  const fields = expression.trim().split(/\s+/).filter(Boolean);
  const fail = (why: string) =>
    new DistributedError(
      "KILN_DISTRIBUTED_BAD_CRON",
      `--cron "${expression}" is not a cron expression: ${why}.`,
      {
        hint: `Fields: ${FIELDS}. E.g. "0 3 * * *" (03:00 every day), "*/15 * * * *" (every 15 minutes), "*/5 * * * * *" (every 5 seconds).`,
      },
    );
  if (fields.length !== 5 && fields.length !== 6)
    throw fail(`it has ${fields.length} field${fields.length === 1 ? "" : "s"}, not 5 or 6`);
  try {
    const parsed = CronExpressionParser.parse(fields.join(" "), {
      ...(options.tz ? { tz: options.tz } : {}),
      currentDate: options.from ?? new Date(),
    });
    return parsed.next().toDate();
  } catch (error) {
    const message = (error as Error).message;
    if (options.tz && /time ?zone|tz/i.test(message))
      throw new DistributedError("KILN_DISTRIBUTED_BAD_CRON", `--tz ${options.tz} is not a time zone.`, {
        hint: "An IANA name, e.g. --tz Europe/Paris or --tz UTC.",
      });
    throw fail(message.charAt(0).toLowerCase() + message.slice(1));
  }
}

/** `30s`, `5m`, `2h`, `1d` or milliseconds → milliseconds. */
export function parseEvery(text: string): number {
  const match = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const ms = match ? Number(match[1]) * unit[match[2] ?? "ms"]! : Number.NaN;
  if (!Number.isFinite(ms) || ms < 1000) {
    throw new DistributedError(
      "KILN_DISTRIBUTED_BAD_CRON",
      `--every ${text} is not an interval of at least a second.`,
      {
        hint: "A number with a unit: --every 30s, --every 15m, --every 1h, --every 1d.",
      },
    );
  }
  return ms;
}
