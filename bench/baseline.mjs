/**
 * Process baseline for the whole-process figures: `node bench/baseline.mjs` starts Node and exits;
 * with `--import-kiln` it also loads the built kiln package.
 */
import { parseArgs, report } from "./lib.mjs";

const args = parseArgs();
let importMs = 0;
if (args["import-kiln"]) {
  const t0 = performance.now();
  await import("kiln");
  importMs = performance.now() - t0;
}
report({ importMs });
