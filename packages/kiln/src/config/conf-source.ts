import { rmSync } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ConfigError } from "../errors/index.js";
import { extractTar, extractZip } from "./extract-archive.js";

/** A conf source ready to read: a folder, possibly extracted from an archive. */
export interface OpenedConfSource {
  /** The folder holding one folder per environment. */
  path: string;
  /** The archive it was extracted from; undefined for a plain folder. */
  archive: string | undefined;
  /** Removes the extracted copy (a no-op for a folder). Safe to call twice. */
  close(): Promise<void>;
}

const ARCHIVE = /\.(tar\.gz|tgz|tar|zip)$/i;

/** True when `path` names an archive `openConfSource` extracts (`.tar.gz`, `.tgz`, `.tar`, `.zip`). */
export function isConfArchive(path: string): boolean {
  return ARCHIVE.test(path);
}

// Extracted copies still open when the process ends (a REPL closed with Ctrl+D, a crash) are
// removed here, synchronously, since "exit" listeners cannot wait.
const open = new Set<string>();
let exitHookInstalled = false;
function track(dir: string): void {
  open.add(dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const d of open) rmSync(d, { recursive: true, force: true });
  });
}

/**
 * Opens a conf source: a folder is used as it is; a `.tar.gz`, `.tgz`, `.tar` or `.zip` is
 * extracted to a temporary folder that `close()` removes. The archive may hold `conf/` at its
 * root, the environment folders (`base/`, `local/`…) directly, or one folder holding them
 * (`my-conf/base/…`, as `tar -czf my-conf.tar.gz my-conf` makes).
 *
 * Only regular files and folders are extracted; links and entries that would land outside the
 * folder are refused.
 *
 * @throws ConfigError `KILN_CONFIG_ARCHIVE_NOT_FOUND` when the archive does not exist, and
 *   `KILN_CONFIG_BAD_ARCHIVE` when it cannot be read or holds no `<baseEnv>/` folder.
 */
export async function openConfSource(
  source: string,
  options: { baseEnv?: string } = {},
): Promise<OpenedConfSource> {
  if (!isConfArchive(source)) return { path: source, archive: undefined, close: async () => {} };
  const info = await stat(source).catch(() => undefined);
  if (!info?.isFile()) {
    throw new ConfigError(
      "KILN_CONFIG_ARCHIVE_NOT_FOUND",
      `The conf source archive ${source} does not exist.`,
      {
        hint: "Point --conf-source at a conf folder or at a .tar.gz, .tgz or .zip of one (kiln package makes conf-<project>.tar.gz).",
      },
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "kiln-conf-"));
  track(dir);
  const close = async () => {
    open.delete(dir);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await (/\.zip$/i.test(source) ? extractZip(source, dir) : extractTar(source, dir));
  } catch (error) {
    await close();
    throw new ConfigError(
      "KILN_CONFIG_BAD_ARCHIVE",
      `Could not extract the conf source archive ${source}: ${(error as Error).message}`,
      {
        cause: error,
        hint: `Check that ${basename(source)} is a complete ${/\.zip$/i.test(source) ? "zip" : "tar (gzipped for .tar.gz/.tgz)"} archive, e.g. rebuild it with kiln package.`,
      },
    );
  }
  const baseEnv = options.baseEnv ?? "base";
  const path = await findConfRoot(dir, baseEnv);
  if (!path) {
    const top = (await readdir(dir)).sort();
    await close();
    throw new ConfigError(
      "KILN_CONFIG_BAD_ARCHIVE",
      `The conf source archive ${source} has no ${baseEnv}/ folder (looked for conf/${baseEnv}/, ${baseEnv}/ and <folder>/${baseEnv}/; found ${top.length > 0 ? top.join(", ") : "nothing"}).`,
      {
        hint: `Archive the conf folder itself, e.g. tar -czf conf.tar.gz conf (so it holds conf/${baseEnv}/…).`,
      },
    );
  }
  return { path, archive: source, close };
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** Where the environment folders are in an extracted archive, or undefined. */
async function findConfRoot(dir: string, baseEnv: string): Promise<string | undefined> {
  for (const candidate of [join(dir, "conf"), dir]) {
    if (await isDirectory(join(candidate, baseEnv))) return candidate;
  }
  // One folder holding the environments (macOS zips add a __MACOSX folder beside it).
  const folders = (await readdir(dir, { withFileTypes: true })).filter(
    (e) => e.isDirectory() && e.name !== "__MACOSX",
  );
  if (folders.length === 1 && (await isDirectory(join(dir, folders[0]!.name, baseEnv))))
    return join(dir, folders[0]!.name);
  return undefined;
}
