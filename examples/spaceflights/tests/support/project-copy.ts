import { existsSync } from "node:fs";
import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The node_modules the project resolves kiln from: its own, or a workspace's further up. */
function modulesFolder(): string {
  for (let dir = root; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules", "kiln"))) return join(dir, "node_modules");
    if (dirname(dir) === dir) return join(root, "node_modules");
  }
}

/**
 * Calls `body` with a throwaway copy of the project (package.json, conf, src; node_modules linked),
 * so pipeline runs in tests never write into the project's data/ or .kiln/ folders.
 */
export async function inProjectCopy<T>(body: (projectPath: string) => Promise<T>): Promise<T> {
  const copy = await mkdtemp(join(tmpdir(), "kiln-test-"));
  try {
    for (const part of ["package.json", "conf", "src"]) {
      await cp(join(root, part), join(copy, part), { recursive: true });
    }
    await symlink(modulesFolder(), join(copy, "node_modules"), "junction");
    return await body(copy);
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}
