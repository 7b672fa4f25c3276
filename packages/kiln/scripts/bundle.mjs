// Bundles the per-file build (dist/) into dist/bundle/: a few files instead of ~140, so importing kiln,
// starting a worker thread and starting the CLI each load much less. Entry points share chunks, so
// the API, the CLI and its commands see one copy of every class.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
rmSync(`${root}/dist/bundle`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ["dist/index.js", "dist/cli/main.js", "dist/runner/worker-entry.js"],
  outbase: "dist",
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external", // dependencies stay in node_modules, loaded as they are
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: true,
  logLevel: "warning",
});
