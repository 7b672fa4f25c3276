// Renders examples/spaceflights from the spaceflights starter, as `kiln new` would with an installed
// Kiln (version ranges, which npm resolves to this repository's workspaces). Run it after changing
// the starter: `npm run build && node scripts/render-example.mjs`. test/examples-in-sync.test.ts
// fails until the example matches the starter.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderProject } from "kiln";

const repo = fileURLToPath(new URL("..", import.meta.url));
const example = join(repo, "examples/spaceflights");
const rendered = await renderProject({
  name: "spaceflights",
  starter: "spaceflights",
  directory: join(repo, "examples"),
  kilnPackageRoot: join(repo, "node_modules", "kiln"),
});
// Everything but what runs leave behind (data/, .kiln/) and the installed packages is rewritten.
for (const part of [
  "conf",
  "src",
  "tests",
  "notebooks",
  "README.md",
  "package.json",
  "tsconfig.json",
  ".gitignore",
]) {
  await rm(join(example, part), { recursive: true, force: true });
}
for (const file of rendered.files) {
  const path = join(example, file.path);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, file.content);
}
process.stdout.write(`Rendered ${rendered.files.length} files into ${example}\n`);
