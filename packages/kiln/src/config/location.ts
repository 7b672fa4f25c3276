import type { ConfigErrorLocation } from "../errors/index.js";

/** Where a configuration value was set: the file and its 1-based line and column. */
export type ConfigLocation = ConfigErrorLocation;

/** The `file` of values that came from `runtimeParams` (`kiln run --params`), not from a file. */
export const RUNTIME_PARAMS_SOURCE = "<runtime params>";

/** `conf/base/catalog.yml:3:5`, or `runtime params (--params)` for values set on the command line. */
export function formatLocation(location: ConfigLocation): string {
  if (location.file === RUNTIME_PARAMS_SOURCE) return "runtime params (--params)";
  return `${location.file}:${location.line}:${location.column}`;
}
