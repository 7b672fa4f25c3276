// The inference pipeline as one standalone ES module (esbuild). The bundle's entry calls the
// project's registerPipelines() and picks the pair whose inference pipeline was packaged; the
// project's code, Kiln's core, the dataset classes the artifacts need and the model runtime are all
// inside. Only packages with native code stay external, imported by name.
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type * as esbuild from "esbuild";
import { ModelError } from "../model-error.js";
import type { PackagedInference } from "../runtime.js";
import { isNativePackage, type PackageInfo, packageOf } from "./native-packages.js";

/** Where a dataset class comes from: a module (a package name or an absolute file) and its export. */
export interface DatasetClassImport {
  from: string;
  exportName: string;
}

/** What {@link bundleInference} needs to know about the project and the pair. */
export interface InferenceBundleOptions {
  projectRoot: string;
  /** The project's source folder (`src`): its `pipelines/<name>/pipeline.ts` files are what `findPipelines()` finds. */
  sourceDir: string;
  /** The module with `registerPipelines()` (`src/pipelines.ts`). */
  registryFile: string;
  /** How the bundle recognises the pair among the registered pipelines, and its copy modes. */
  inference: PackagedInference;
  /** Catalog type name → class, for the artifacts' datasets. */
  datasetTypes: Readonly<Record<string, DatasetClassImport>>;
  outFile: string;
}

/** The written bundle. */
export interface InferenceBundle {
  /** The packages left external (native code) that the module imports when it loads, as the project has them installed. */
  externals: PackageInfo[];
  bytes: number;
}

const MODULE_EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];
const moduleFile = (base: string) => MODULE_EXTENSIONS.map((e) => base + e).find((f) => existsSync(f));

/** The model runtime (built `.js`, or the `.ts` source when Kiln runs from its sources in tests). */
function runtimeFile(): string {
  const base = fileURLToPath(new URL("../runtime", import.meta.url));
  const file = moduleFile(base);
  if (!file) throw new Error(`The model runtime is missing beside ${base}.`);
  return file;
}

/** `src/pipelines/<name>/pipeline.*` files, as `findPipelines()` discovers them, sorted by name. */
function discoveredPipelines(projectRoot: string, sourceDir: string): Array<[string, string]> {
  const dir = join(projectRoot, sourceDir, "pipelines");
  let names: string[] = [];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const file = moduleFile(join(dir, name, "pipeline"));
    return file ? [[name, file] as [string, string]] : [];
  });
}

/** Kiln's core as the project resolves it: the per-file build, so unused parts can be left out. */
function kilnEntry(projectRoot: string): { entry: string; root: string } {
  const resolved = createRequire(join(projectRoot, "package.json")).resolve("kiln");
  const pkg = packageOf(resolved);
  const perFile = pkg && join(pkg.root, "dist", "index.js");
  return { entry: perFile && existsSync(perFile) ? perFile : resolved, root: pkg?.root ?? dirname(resolved) };
}

const js = JSON.stringify;
const BARE = /^(?![./]|node:|[A-Za-z]:[\\/])/;

function entrySource(options: InferenceBundleOptions): string {
  const types = Object.entries(options.datasetTypes);
  return [
    `import { registerPipelines } from ${js(options.registryFile)};`,
    `import { createPredictorFor } from ${js(runtimeFile())};`,
    ...types.map(([, t], i) => `import { ${t.exportName} as T${i} } from ${js(t.from)};`),
    `const DATASET_TYPES = { ${types.map(([name], i) => `${js(name)}: T${i}`).join(", ")} };`,
    `const INFERENCE = ${js(options.inference)};`,
    "/** The model's input and output datasets. */",
    `export const inputName = ${js(options.inference.inputName)};`,
    `export const outputName = ${js(options.inference.outputName)};`,
    "/** Builds the inference pipeline and loads the artifacts of the model folder `options.modelPath`. */",
    "export function createPredictor(options) {",
    "  return createPredictorFor({ ...options, registerPipelines, inference: INFERENCE, datasetTypes: DATASET_TYPES });",
    "}",
    "",
  ].join("\n");
}

function pipelinesSource(found: Array<[string, string]>): string {
  return [
    "// findPipelines() as the project's folders were at packaging time: the model has no folders to scan.",
    `const FOUND = [${found.map(([name, file]) => `[${js(name)}, () => import(${js(file)})]`).join(", ")}];`,
    "export async function findPipelines() {",
    "  const pipelines = {};",
    "  for (const [name, load] of FOUND) pipelines[name] = await (await load()).createPipeline();",
    "  return pipelines;",
    "}",
    "",
  ].join("\n");
}

/**
 * Bundles the pair's inference pipeline into `options.outFile`.
 * @throws ModelError `KILN_MODEL_BUNDLE_FAILED` with esbuild's messages (file and line).
 */
export async function bundleInference(options: InferenceBundleOptions): Promise<InferenceBundle> {
  const esbuild = (await import("esbuild")) as typeof import("esbuild");
  const kiln = kilnEntry(options.projectRoot);
  const kilnFiles = kiln.root + sep;
  const isKilnFile = (file: string) =>
    file.startsWith(kilnFiles) || packageOf(file)?.name.startsWith("@kiln/") === true;
  const found = discoveredPipelines(options.projectRoot, options.sourceDir);
  const externals = new Map<string, PackageInfo>();
  const RESOLVING = Symbol("resolving");

  const plugin: esbuild.Plugin = {
    name: "kiln-model",
    setup(build) {
      build.onResolve({ filter: /^kiln-model:(entry|pipelines)$/ }, (args) => ({
        path: args.path,
        namespace: "kiln-model",
      }));
      // One core for everything in the bundle (the project's), with findPipelines() made static.
      build.onResolve({ filter: /^kiln$/ }, () => ({ path: "kiln", namespace: "kiln-model" }));
      build.onLoad({ filter: /.*/, namespace: "kiln-model" }, (args) => ({
        contents:
          args.path === "kiln"
            ? `export * from ${js(kiln.entry)};\nexport { findPipelines } from "kiln-model:pipelines";\n`
            : args.path === "kiln-model:entry"
              ? entrySource(options)
              : pipelinesSource(found),
        loader: "js",
        resolveDir: options.projectRoot,
      }));
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === RESOLVING || (args.namespace === "kiln-model" && !BARE.test(args.path)))
          return undefined;
        const insideKiln = isKilnFile(args.importer);
        if (!BARE.test(args.path) && !insideKiln) return undefined;
        const result = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: RESOLVING,
        });
        if (result.errors.length > 0) {
          // An optional package that is not installed, imported only when a feature needs it.
          if (args.kind === "dynamic-import" || args.kind === "require-call")
            return { path: args.path, external: true };
          return { errors: result.errors };
        }
        if (result.external || !result.path) return result;
        const pkg = BARE.test(args.path) ? packageOf(result.path) : undefined;
        if (pkg && isNativePackage(pkg)) {
          externals.set(pkg.name, pkg);
          return { path: args.path, external: true };
        }
        // Kiln's packages do no import-time work the model needs: modules nothing uses can go.
        return isKilnFile(result.path) ? { ...result, sideEffects: false } : result;
      });
    },
  };

  let output: esbuild.BuildResult;
  try {
    output = await esbuild.build({
      entryPoints: ["kiln-model:entry"],
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      outfile: options.outFile,
      plugins: [plugin],
      logLevel: "silent",
      metafile: true,
      legalComments: "none",
      // CommonJS parts of the bundle may require() Node's modules and the external packages.
      banner: {
        js: 'import { createRequire as __kilnCreateRequire } from "node:module";\nconst require = __kilnCreateRequire(import.meta.url);',
      },
    });
  } catch (error) {
    const failure = error as { errors?: esbuild.Message[] };
    const messages = (failure.errors ?? []).map(
      (m) => `${m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : ""}${m.text}`,
    );
    throw new ModelError(
      "KILN_MODEL_BUNDLE_FAILED",
      `Could not bundle the inference pipeline into one module:\n${messages.map((m) => `  ${m}`).join("\n") || `  ${(error as Error).message}`}`,
      {
        cause: error,
        hint: "The inference pipeline's code must be importable on its own: fix the import named above (a missing package: npm install it in the project).",
      },
    );
  }
  const outputs = Object.values(output.metafile?.outputs ?? {});
  // What the written module imports when it loads (tree shaking dropped imports of code nothing
  // uses; an import() left in, such as Kiln's TypeScript compiler, runs only if its feature is used).
  const imported = new Set(
    outputs.flatMap((o) =>
      o.imports.filter((i) => i.external && i.kind !== "dynamic-import").map((i) => i.path),
    ),
  );
  return {
    externals: [...externals.values()]
      .filter((pkg) => [...imported].some((path) => path === pkg.name || path.startsWith(`${pkg.name}/`)))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    bytes: outputs.reduce((sum, o) => sum + o.bytes, 0),
  };
}
