import { createRequire } from "node:module";
import type * as Yaml from "yaml";

let yaml: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded on first use: it costs ~80 ms to import, which worker threads and CLI
 * commands that parse no YAML should not pay. Synchronous (the package ships CommonJS too), so the
 * parsers that use it stay synchronous.
 */
export function lazyYaml(): typeof Yaml {
  // In Kiln's bundle `require` exists and esbuild compiles this call into the bundled copy of yaml
  // (initialised on first call); from the sources it does not, and Node's require loads the package.
  yaml ??= (
    typeof require === "function" ? require("yaml") : createRequire(import.meta.url)("yaml")
  ) as typeof Yaml;
  return yaml;
}
