import { existsSync } from "node:fs";

/** The extensions a project module may have, in the order they are looked for. */
const MODULE_EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];

/** The project module at `base` (a path without extension), or undefined when there is none. */
export function moduleFile(base: string): string | undefined {
  return MODULE_EXTENSIONS.map((ext) => base + ext).find((f) => existsSync(f));
}
