import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createLogger } from "../../logging/index.js";
import { ConfigLoader, type ConfigLoaderOptions } from "../config-loader.js";

/** A throwaway `conf/` folder: write files by relative path, build loaders over it, remove it. */
export interface ConfDir {
  /** The temp folder. */
  root: string;
  /** `<root>/conf`. */
  conf: string;
  /** The path of a file under conf/ as messages print it. */
  path(relative: string): string;
  write(files: Record<string, string>): Promise<void>;
  loader(options?: Omit<ConfigLoaderOptions, "confSource">): ConfigLoader;
  remove(): Promise<void>;
}

/** Creates a temp `conf/` with `files` (`"base/catalog.yml": "..."`). */
export async function confDir(files: Record<string, string> = {}): Promise<ConfDir> {
  const root = await mkdtemp(join(tmpdir(), "kiln-config-"));
  const conf = join(root, "conf");
  await mkdir(conf);
  const dir: ConfDir = {
    root,
    conf,
    path: (relative) => join(conf, relative),
    async write(more) {
      for (const [relative, text] of Object.entries(more)) {
        const file = join(conf, relative);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, text);
      }
    },
    loader: (options = {}) =>
      new ConfigLoader({
        confSource: conf,
        logger: createLogger({ level: "silent" }),
        environment: {},
        ...options,
      }),
    remove: () => rm(root, { recursive: true, force: true }),
  };
  await dir.write(files);
  return dir;
}

/** The ConfigError a promise rejects with (fails the test when it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; hint?: string };
  }
  throw new Error("expected the promise to reject");
}
