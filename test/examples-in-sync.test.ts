// examples/spaceflights is the spaceflights starter as `kiln new` renders it (with an installed
// Kiln's version ranges, which npm resolves to this repository's workspaces): a change to the
// starter must be made to the example too, and the other way round.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderProject } from "kiln";
import { describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("..", import.meta.url));

// Git-ignored by the project's own .gitignore, so a clone of this repository does not have it.
const NOT_IN_A_CLONE = new Set(["conf/local/credentials.yml"]);

describe("examples/spaceflights", () => {
  it("is what `kiln new spaceflights --starter spaceflights` makes", async () => {
    const rendered = await renderProject({
      name: "spaceflights",
      starter: "spaceflights",
      directory: join(repo, "examples"),
      kilnPackageRoot: join(repo, "node_modules", "kiln"),
    });
    const different: string[] = [];
    for (const file of rendered.files) {
      if (NOT_IN_A_CLONE.has(file.path)) continue;
      const path = join(repo, "examples/spaceflights", file.path);
      if (!existsSync(path) || readFileSync(path, "utf8") !== file.content) different.push(file.path);
    }
    expect(different, "regenerate: node scripts/render-example.mjs (see its header)").toEqual([]);
  });
});
