import { createRequire } from "node:module";
import type * as Yaml from "yaml";

let yaml: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded on first use: it costs ~80 ms to import, which worker threads and CLI
 * commands that parse no YAML should not pay. Synchronous (the package ships CommonJS too), so the
 * parsers that use it stay synchronous.
 */
export function lazyYaml(): typeof Yaml {
  yaml ??= createRequire(import.meta.url)("yaml") as typeof Yaml;
  return yaml;
}
