import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/**
 * The folder of the `kiln` package (where its package.json is), found by walking up from this
 * module: the same from the sources, the per-file build and the bundle, whose files sit at
 * different depths.
 */
export function kilnPackageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "kiln"
    ) {
      root = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`kiln's package.json was not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The installed kiln's version. */
export function kilnVersion(): string {
  return (JSON.parse(readFileSync(join(kilnPackageRoot(), "package.json"), "utf8")) as { version: string })
    .version;
}
