import { KilnError } from "kiln";

/** The viz could not serve, find or build what was asked (an unknown node or pipeline, a busy port). */
export class VizError extends KilnError {}
