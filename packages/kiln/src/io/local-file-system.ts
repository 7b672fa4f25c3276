import { randomBytes } from "node:crypto";
import { link, mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { IoError } from "../errors/index.js";
import type { FileSystem } from "./file-system.js";
import { splitProtocol } from "./paths.js";

// `.<name>.tmp-<pid>-<random hex>`: hidden, beside the target, unique across processes and calls.
const TEMP_NAME = /^\..+\.tmp-\d+-[0-9a-f]+$/;

/**
 * True for the names of the temporary files {@link LocalFileSystem} writes before renaming
 * (`.<name>.tmp-<pid>-<random>`). A process killed mid-write leaves one behind; `list` and `walk`
 * never return them.
 */
export function isTempFileName(name: string): boolean {
  return TEMP_NAME.test(name);
}

function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Local disk. Accepts plain paths and `file://` URLs. */
export class LocalFileSystem implements FileSystem {
  readonly protocol = "file";
  readonly writable = true;

  async read(path: string): Promise<Uint8Array> {
    const local = toLocal(path);
    try {
      return await readFile(local);
    } catch (error) {
      if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") {
        throw new IoError("KILN_IO_NOT_FOUND", `File not found: ${local}`, {
          hint: "Check the path, or run the node that writes it first.",
          cause: error,
        });
      }
      throw error;
    }
  }

  /** Writes a temp file beside the target, fsyncs it and renames it over the target. */
  async write(path: string, data: Uint8Array | string): Promise<void> {
    const target = toLocal(path);
    const temp = await writeTemp(target, data);
    try {
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
    await syncFolder(dirname(target));
  }

  /** Writes a temp file, then hard-links it to the target, which fails when the target exists. */
  async writeExclusive(path: string, data: Uint8Array | string): Promise<boolean> {
    const target = toLocal(path);
    const temp = await writeTemp(target, data);
    try {
      await link(temp, target);
    } catch (error) {
      if (errorCode(error) === "EEXIST") return false;
      throw error;
    } finally {
      await unlink(temp).catch(() => {});
    }
    await syncFolder(dirname(target));
    return true;
  }

  localPath(path: string): string {
    return toLocal(path);
  }

  /** `produce` writes a temp file beside the target; it is fsynced, then renamed (or linked, when exclusive). */
  async writeWith(
    path: string,
    produce: (tempPath: string) => Promise<void>,
    options: { exclusive?: boolean } = {},
  ): Promise<boolean> {
    const target = toLocal(path);
    await mkdir(dirname(target), { recursive: true });
    const temp = tempPathFor(target);
    try {
      await produce(temp);
      const handle = await open(temp, "r+");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (options.exclusive) {
        try {
          await link(temp, target);
        } catch (error) {
          if (errorCode(error) === "EEXIST") return false;
          throw error;
        }
      } else {
        await rename(temp, target);
      }
    } finally {
      await unlink(temp).catch(() => {}); // gone after a rename; the extra name after a link
    }
    await syncFolder(dirname(target));
    return true;
  }

  async exists(path: string): Promise<boolean> {
    try {
      await stat(toLocal(path));
      return true;
    } catch (error) {
      if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return false;
      throw error;
    }
  }

  async list(dir: string): Promise<string[]> {
    const names = await readFolder(toLocal(dir));
    return names
      .map((e) => e.name)
      .filter((n) => !isTempFileName(n))
      .sort();
  }

  async walk(dir: string): Promise<string[]> {
    const out: string[] = [];
    const visit = async (folder: string): Promise<void> => {
      for (const entry of await readFolder(folder)) {
        if (isTempFileName(entry.name)) continue;
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await visit(path);
        else out.push(path);
      }
    };
    await visit(toLocal(dir));
    return out.sort();
  }

  async remove(path: string): Promise<void> {
    try {
      await unlink(toLocal(path));
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw error;
    }
  }
}

function toLocal(path: string): string {
  const split = splitProtocol(path);
  if (split.protocol !== "file") {
    throw new IoError(
      "KILN_IO_WRONG_PROTOCOL",
      `LocalFileSystem cannot handle "${split.protocol}://" paths.`,
      {
        hint: "Get the file system for a path with getFileSystem(path).",
      },
    );
  }
  return split.path;
}

async function readFolder(folder: string) {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return [];
    throw error;
  }
}

/** Creates the parent folders, then writes and fsyncs a fresh temp file beside `target`. */
async function writeTemp(target: string, data: Uint8Array | string): Promise<string> {
  await mkdir(dirname(target), { recursive: true });
  const temp = tempPathFor(target);
  const handle = await open(temp, "wx");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  return temp;
}

/** Makes a rename or link durable; some platforms (Windows) cannot open folders, which is fine. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Durability of the folder entry is best effort; the data itself was fsynced.
  }
}
