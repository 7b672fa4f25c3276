import { KilnError } from "kiln";

/** `kiln monitor` could not compare data: a source it cannot read, bad options, a model with no reference. Codes are `KILN_MONITOR_*`. */
export class MonitorError extends KilnError {}
