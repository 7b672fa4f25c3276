// Archive extraction for conf sources. `tar` and `yauzl` are imported only when an archive is
// opened, so reading a conf folder loads neither.
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";

const TAR_KEPT = new Set(["File", "OldFile", "ContiguousFile", "Directory"]);

/**
 * Extracts a tar archive (gzipped or not) into `dir`. Only files and folders are written: links,
 * devices and the like are skipped. node-tar refuses absolute paths and `..`; `strict` turns its
 * warnings (a truncated or corrupt archive) into errors.
 */
export async function extractTar(file: string, dir: string): Promise<void> {
  const { x } = await import("tar");
  await x({
    file,
    cwd: dir,
    strict: true,
    filter: (_path, entry) => !("type" in entry) || TAR_KEPT.has(entry.type),
  });
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Extracts a zip archive into `dir`. yauzl rejects absolute and `..` entry names and checks entry
 * sizes; symbolic links are skipped.
 */
export async function extractZip(file: string, dir: string): Promise<void> {
  const yauzl = await import("yauzl");
  const zip = await yauzl.openPromise(file, { strictFileNames: false, validateEntrySizes: true });
  const root = resolve(dir);
  try {
    for await (const entry of zip.eachEntry()) {
      const target = resolve(root, entry.fileName);
      if (target !== root && !target.startsWith(root + sep))
        throw new Error(`entry "${entry.fileName}" would be written outside the folder`);
      if (entry.fileName.endsWith("/")) {
        await mkdir(target, { recursive: true });
        continue;
      }
      if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) continue;
      await mkdir(dirname(target), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target));
    }
  } finally {
    zip.close();
  }
}
