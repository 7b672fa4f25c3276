import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, relative } from "node:path";
import { ExportError } from "./errors.js";

/** How a file Kiln writes here starts (its first line, or the second after a Dockerfile's `# syntax=`). */
export const WRITTEN_BY = "# Written by kiln ";

/**
 * Writes `files` (path → text). A file that exists and was not written by Kiln (no such first
 * lines) is kept unless `force`; all are checked before any is written.
 * @throws ExportError `KILN_EXPORT_FILE_EXISTS` naming every such file.
 */
export async function writeGenerated(
  files: ReadonlyMap<string, string>,
  options: { force?: boolean; root: string },
): Promise<void> {
  if (!options.force) {
    const foreign: string[] = [];
    for (const path of files.keys()) {
      if (!existsSync(path)) continue;
      const text = await readFile(path, "utf8");
      const head = text.split("\n", 2);
      if (!head.some((line) => line.startsWith(WRITTEN_BY)))
        foreign.push(relative(options.root, path) || path);
    }
    if (foreign.length > 0) {
      throw new ExportError(
        "KILN_EXPORT_FILE_EXISTS",
        `${foreign.join(", ")} ${foreign.length === 1 ? "exists and was" : "exist and were"} not written by kiln; not replacing.`,
        { hint: "Move it away, or pass --force to replace it." },
      );
    }
  }
  for (const [path, text] of files) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
}
