// A project's TypeScript, compiled once and imported as plain ES modules.
//
// Loading `.ts` through tsx's loader hooks costs ~0.4 s per process here (a hooks thread, plus a
// transform per file), which made every `kiln run` slow to start. Instead each TypeScript file is
// compiled by esbuild on its own into a mirror tree under `<root>/.kiln/cache/typescript/`, with
// its relative imports rewritten to the mirror files of what it imports. Each source file stays
// one module (no bundling, so module state and `instanceof` behave as in the sources), bare
// imports resolve from the project's node_modules as before, and `import.meta.url`/`dirname`/
// `filename` keep naming the source file. A manifest records each file's size and mtime; when
// nothing changed, importing costs a few `stat` calls and no compiler at all.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { BuildResult, Message, Plugin } from "esbuild";
import { kilnVersion } from "./package-root.js";

/** Files compiled instead of imported as they are. */
export const TYPESCRIPT_FILE = /\.(?:[cm]?ts|tsx)$/;

/** Bumped whenever the compiled output changes shape, so older caches are rebuilt. */
const OUTPUT_FORMAT = 1;

interface CachedFile {
  /** The source's size and mtime when it was compiled. */
  size: number;
  mtimeMs: number;
  /** The output's mtime as written: a different one means another process rewrote it since. */
  outputMtimeMs: number;
  /** TypeScript files it imports (absolute paths), checked in turn. */
  imports: string[];
  /** Other files compiled into it (JSON), with their size and mtime. */
  inlined: Record<string, [size: number, mtimeMs: number]>;
}

interface Manifest {
  compiler: string;
  files: Record<string, CachedFile>;
}

type Esbuild = typeof import("esbuild");

const RESOLVING = Symbol("kiln-resolving");

function statOrUndefined(file: string): { size: number; mtimeMs: number } | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

/** `./x` or `../x` from one file to another, as an import specifier. */
function specifierFrom(fromFile: string, toFile: string): string {
  const path = relative(dirname(fromFile), toFile).split(sep).join("/");
  return path.startsWith(".") ? path : `./${path}`;
}

const isBare = (specifier: string) =>
  !specifier.startsWith(".") && !isAbsolute(specifier) && !/^[a-z][a-z0-9+.-]*:/i.test(specifier);

/** The compiled mirror of one folder's TypeScript (a project's root, usually). */
export class TypeScriptCache {
  readonly root: string;
  readonly directory: string;
  readonly #manifestFile: string;
  #manifest: Manifest | undefined;
  #compiler: string;

  constructor(root: string) {
    this.root = root;
    this.directory = join(root, ".kiln", "cache", "typescript");
    this.#manifestFile = join(this.directory, "manifest.json");
    // What invalidates every entry at once: Kiln's output format and the project's tsconfig.
    const tsconfig = statOrUndefined(join(root, "tsconfig.json"));
    this.#compiler = `${OUTPUT_FORMAT}:${kilnVersion()}:${tsconfig ? `${tsconfig.size}:${tsconfig.mtimeMs}` : "-"}`;
  }

  /** Where the compiled form of `source` lives. */
  outputFile(source: string): string {
    const inside = relative(this.root, source);
    if (inside && !inside.startsWith("..") && !isAbsolute(inside)) {
      return join(this.directory, "files", `${inside}.mjs`);
    }
    const folder = createHash("sha256").update(dirname(source)).digest("hex").slice(0, 16);
    return join(this.directory, "external", folder, `${basename(source)}.mjs`);
  }

  /**
   * The URL to import for the TypeScript file `source`, compiling it and the TypeScript it imports
   * when they changed since the last compile. Throws with file:line:column on a syntax error or an
   * import that does not resolve.
   */
  async moduleUrl(source: string): Promise<string> {
    const manifest = this.#readManifest();
    const checked = new Set<string>();
    let stale: string[] = [];
    const check = (file: string, importer?: string) => {
      if (checked.has(file)) return;
      checked.add(file);
      const cached = manifest.files[file];
      const now = statOrUndefined(file);
      if (!now && importer) {
        stale.push(importer); // compiling the importer again names the import that broke
        return;
      }
      const output = cached && now && statOrUndefined(this.outputFile(file));
      const fresh =
        cached &&
        now &&
        output &&
        cached.size === now.size &&
        cached.mtimeMs === now.mtimeMs &&
        cached.outputMtimeMs === output.mtimeMs &&
        Object.entries(cached.inlined ?? {}).every(([path, [size, mtimeMs]]) => {
          const inlined = statOrUndefined(path);
          return inlined?.size === size && inlined.mtimeMs === mtimeMs;
        });
      if (!fresh) stale.push(file);
      else for (const dependency of cached.imports) check(dependency, file);
    };
    check(source);
    if (stale.length > 0) {
      const esbuild: Esbuild = await import("esbuild");
      const compiled: Record<string, CachedFile> = {};
      while (stale.length > 0) {
        const batch = [...new Set(stale)];
        stale = [];
        const results = await Promise.all(batch.map((file) => this.#compile(esbuild, file)));
        results.forEach((entry, i) => {
          const file = batch[i] as string;
          compiled[file] = manifest.files[file] = entry;
          for (const dependency of entry.imports) check(dependency, file);
        });
      }
      this.#saveManifest(compiled);
    }
    process.setSourceMapsEnabled(true); // stack traces name the .ts file and line
    return pathToFileURL(this.outputFile(source)).href;
  }

  async #compile(esbuild: Esbuild, source: string): Promise<CachedFile> {
    const sourceStat = statSync(source);
    const output = this.outputFile(source);
    const imports = new Set<string>();
    const url = pathToFileURL(source).href;
    const oneModulePerFile: Plugin = {
      name: "kiln-one-module-per-file",
      setup: (build) => {
        build.onResolve({ filter: /.*/ }, async (args) => {
          if (args.kind === "entry-point" || args.pluginData === RESOLVING) return undefined;
          const found = await build.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            importer: args.importer,
            pluginData: RESOLVING,
          });
          // A package that is not installed is Node's to report when the module is imported (a
          // test runner may provide it by alias); a missing file is an error now.
          if (found.errors.length > 0)
            return isBare(args.path) ? { path: args.path, external: true } : { errors: found.errors };
          if (found.external || found.namespace !== "file") return { path: args.path, external: true };
          if (TYPESCRIPT_FILE.test(found.path)) {
            imports.add(found.path);
            return { path: specifierFrom(output, this.outputFile(found.path)), external: true };
          }
          if (found.path.endsWith(".json")) return undefined; // inlined (as tsx allowed) and tracked
          const inProject = !relative(this.root, found.path).startsWith("..");
          if (isBare(args.path) && (!inProject || found.path.includes(`${sep}node_modules${sep}`)))
            return { path: args.path, external: true }; // a package: Node finds it from the mirror too
          return { path: specifierFrom(output, found.path), external: true };
        });
      },
    };
    let result: BuildResult<{ write: false; metafile: true }>;
    try {
      result = await esbuild.build({
        entryPoints: [source],
        absWorkingDir: this.root,
        outfile: output,
        write: false,
        bundle: true, // only so that every import reaches the plugin, which keeps each one external
        metafile: true,
        format: "esm",
        platform: "node",
        target: "node20",
        sourcemap: "inline",
        logLevel: "silent",
        define: {
          "import.meta.url": JSON.stringify(url),
          "import.meta.filename": JSON.stringify(source),
          "import.meta.dirname": JSON.stringify(dirname(source)),
        },
        plugins: [oneModulePerFile],
      });
    } catch (error) {
      throw new Error(this.#describeBuildError(source, error), { cause: error });
    }
    const [file] = result.outputFiles;
    writeAtomically(output, file?.text ?? "");
    const inlined: CachedFile["inlined"] = {};
    for (const input of Object.keys(result.metafile.inputs)) {
      const path = resolve(this.root, input);
      if (path === source) continue;
      const { size, mtimeMs } = statSync(path);
      inlined[path] = [size, mtimeMs];
    }
    return {
      size: sourceStat.size,
      mtimeMs: sourceStat.mtimeMs,
      outputMtimeMs: statSync(output).mtimeMs,
      imports: [...imports].sort(),
      inlined,
    };
  }

  #describeBuildError(source: string, error: unknown): string {
    const errors = (error as { errors?: Message[] }).errors;
    if (!errors?.length) return `Could not compile ${source}: ${(error as Error).message}`;
    return errors
      .map(({ text, location }) =>
        location
          ? `${join(this.root, location.file)}:${location.line}:${location.column + 1}: ${text}`
          : text,
      )
      .join("\n");
  }

  #readManifest(): Manifest {
    if (this.#manifest) return this.#manifest;
    let manifest: Manifest = { compiler: this.#compiler, files: {} };
    try {
      const saved = JSON.parse(readFileSync(this.#manifestFile, "utf8")) as Manifest;
      if (saved.compiler === this.#compiler && typeof saved.files === "object") manifest = saved;
    } catch {
      // No cache yet, or an unreadable one: start afresh.
    }
    this.#manifest = manifest;
    return manifest;
  }

  /** Merges this process's new entries into the manifest on disk (other processes may have added theirs). */
  #saveManifest(compiled: Record<string, CachedFile>): void {
    let onDisk: Manifest | undefined;
    try {
      onDisk = JSON.parse(readFileSync(this.#manifestFile, "utf8")) as Manifest;
    } catch {
      onDisk = undefined;
    }
    const files = onDisk?.compiler === this.#compiler ? { ...onDisk.files, ...compiled } : compiled;
    writeAtomically(this.#manifestFile, JSON.stringify({ compiler: this.#compiler, files }));
  }
}

const caches = new Map<string, TypeScriptCache>();

/** The folder whose cache holds `fromDir`'s modules: the nearest one with a package.json. */
function cacheRoot(fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return fromDir;
  }
}

/** The cache for modules imported on behalf of `fromDir` (one per project, kept for the process). */
export function typeScriptCacheFor(fromDir: string): TypeScriptCache {
  const root = cacheRoot(fromDir);
  let cache = caches.get(root);
  if (!cache) {
    cache = new TypeScriptCache(root);
    caches.set(root, cache);
  }
  return cache;
}
