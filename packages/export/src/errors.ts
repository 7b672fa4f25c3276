import { KilnError } from "kiln";

/**
 * An export or `kiln docker init` could not be made: a bad option, a pipeline that cannot be split
 * across machines, a file that would be overwritten. Codes are `KILN_EXPORT_*`, listed in docs/errors.md.
 */
export class ExportError extends KilnError {}
