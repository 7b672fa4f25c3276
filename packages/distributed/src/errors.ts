import { KilnError } from "kiln";

/**
 * A distributed run, a worker or a schedule could not be set up or went wrong: Redis unreachable,
 * a bad runner parameter, memory data between jobs, a cancelled run, a bad cron expression. Codes
 * are `KILN_DISTRIBUTED_*`, listed in docs/errors.md.
 */
export class DistributedError extends KilnError {}
