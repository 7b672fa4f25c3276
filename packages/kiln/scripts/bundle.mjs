// Bundles the per-file build (dist/) into dist/bundle/: a few files instead of ~140, so importing kiln,
// starting a worker thread and starting the CLI each load much less. Entry points share chunks, so
// the API, the CLI and its commands see one copy of every class.
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
// yaml and commander are read on every CLI start: bundled, they load in ~30 ms instead of ~65 ms as
// ~50 CommonJS files. Every other dependency stays in node_modules, loaded as it is (and only when
// used). They stay listed as dependencies: Kiln's .d.ts files name their types.
const BUNDLED = new Set(["yaml", "commander"]);
const { dependencies = {}, optionalDependencies = {} } = JSON.parse(
  readFileSync(`${root}/package.json`, "utf8"),
);
const external = Object.keys({ ...dependencies, ...optionalDependencies }).filter(
  (name) => !BUNDLED.has(name),
);
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
  external: [...external, ...external.map((name) => `${name}/*`)],
  // Bundled CommonJS (yaml) calls require() for Node's built-ins.
  banner: {
    js: 'import { createRequire as __kilnRequire } from "node:module"; const require = __kilnRequire(import.meta.url);',
  },
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
});
