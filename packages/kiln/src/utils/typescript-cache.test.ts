import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TypeScriptCache } from "./typescript-cache.js";

// Runtime behaviour is checked in a plain `node` process on the build, as the CLI runs it.
const importModuleJs = fileURLToPath(new URL("../../dist/utils/import-module.js", import.meta.url));

let root: string;

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** Imports `entry` through importModule in a fresh node process and prints what `expression` gives. */
function runNode(
  entry: string,
  expression: string,
): { stdout: string; stderr: string; status: number | null } {
  const script = `import { importModule } from ${JSON.stringify(importModuleJs)};
const mod = await importModule(${JSON.stringify(entry)}, ${JSON.stringify(root)});
console.log(JSON.stringify(await (${expression})));`;
  return spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kiln-ts-cache-"));
  await write({
    "package.json": JSON.stringify({ name: "p", type: "module" }),
    "src/shared.ts":
      "export const created: number[] = [];\nexport class Box { constructor(readonly v: number) { created.push(v); } }\n",
    "src/nodes.ts": 'import { Box } from "./shared";\nexport const make = (v: number): Box => new Box(v);\n',
    "src/pipeline.ts": [
      'import { Box, created } from "./shared.js";',
      'import { make } from "./nodes.ts";',
      'import settings from "./settings.json";',
      'import { twice } from "./plain.js";',
      "export const isBox = make(1) instanceof Box;",
      "export const sharedCount = () => created.length;",
      "export const here = { url: import.meta.url, dirname: import.meta.dirname, filename: import.meta.filename };",
      "export const answer: number = twice(settings.half);",
      "export function fail(): never { throw new Error('boom'); }",
    ].join("\n"),
    "src/settings.json": '{ "half": 21 }',
    "src/plain.js": "export const twice = (x) => x * 2;\n",
  });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("TypeScriptCache", () => {
  it("compiles each TypeScript file once into a mirror tree, imports rewritten to the mirror", async () => {
    const cache = new TypeScriptCache(root);
    const url = await cache.moduleUrl(join(root, "src/pipeline.ts"));
    const out = fileURLToPath(url);
    expect(out).toBe(join(root, ".kiln/cache/typescript/files/src/pipeline.ts.mjs"));
    const text = await readFile(out, "utf8");
    expect(text).toContain('from "./shared.ts.mjs"');
    expect(text).toContain('from "./nodes.ts.mjs"');
    expect(text).toContain('from "../../../../../src/plain.js"'); // JavaScript stays where it is
    expect(text).not.toContain("class Box"); // not bundled: one module per source file
    const nodes = await readFile(join(root, ".kiln/cache/typescript/files/src/nodes.ts.mjs"), "utf8");
    expect(nodes).toContain('from "./shared.ts.mjs"');
  });

  it("keeps package imports bare, so they resolve from the project's node_modules", async () => {
    await write({
      "node_modules/some-package/package.json":
        '{ "name": "some-package", "type": "module", "main": "index.js" }',
      "node_modules/some-package/index.js": "export const z = 1;\n",
      "src/uses-package.ts":
        'import { join } from "node:path";\nimport { z } from "some-package";\nexport const a = [join, z];\n',
    });
    const text = await readFile(
      fileURLToPath(await new TypeScriptCache(root).moduleUrl(join(root, "src/uses-package.ts"))),
      "utf8",
    );
    expect(text).toContain('from "some-package"');
    expect(text).toContain('from "node:path"');
  });

  it("compiles nothing when no file changed, and only the changed file when one did", async () => {
    const entry = join(root, "src/pipeline.ts");
    await new TypeScriptCache(root).moduleUrl(entry);
    const mirror = (f: string) => join(root, ".kiln/cache/typescript/files/src", `${f}.mjs`);
    const before = await Promise.all(["pipeline.ts", "nodes.ts", "shared.ts"].map((f) => stat(mirror(f))));
    await new TypeScriptCache(root).moduleUrl(entry); // a new process, in effect: reads the manifest
    const same = await Promise.all(["pipeline.ts", "nodes.ts", "shared.ts"].map((f) => stat(mirror(f))));
    expect(same.map((s) => s.mtimeMs)).toEqual(before.map((s) => s.mtimeMs));

    await writeFile(
      join(root, "src/nodes.ts"),
      'import { Box } from "./shared";\nexport const make = (v: number): Box => new Box(v + 1);\n',
    );
    await new TypeScriptCache(root).moduleUrl(entry);
    const after = await Promise.all(["pipeline.ts", "nodes.ts", "shared.ts"].map((f) => stat(mirror(f))));
    expect(after[0]?.mtimeMs).toBe(before[0]?.mtimeMs);
    expect(after[1]?.mtimeMs).not.toBe(before[1]?.mtimeMs);
    expect(after[2]?.mtimeMs).toBe(before[2]?.mtimeMs);
    expect(await readFile(mirror("nodes.ts"), "utf8")).toContain("v + 1");
  });

  it("compiles a file again when its output was rewritten or removed behind the manifest's back", async () => {
    const entry = join(root, "src/pipeline.ts");
    const url = await new TypeScriptCache(root).moduleUrl(entry);
    await unlink(fileURLToPath(url));
    await new TypeScriptCache(root).moduleUrl(entry);
    expect(await readFile(fileURLToPath(url), "utf8")).toContain("isBox");
  });

  it("names file, line and column of a syntax error", async () => {
    await write({ "src/broken.ts": "export const ok = 1;\nexport const bad = (;\n" });
    await expect(new TypeScriptCache(root).moduleUrl(join(root, "src/broken.ts"))).rejects.toThrow(
      `${join(root, "src/broken.ts")}:2:21: Unexpected ";"`,
    );
  });

  it("names the importing line when an import does not resolve, also after a file was deleted", async () => {
    const entry = join(root, "src/pipeline.ts");
    await new TypeScriptCache(root).moduleUrl(entry);
    await unlink(join(root, "src/nodes.ts"));
    await expect(new TypeScriptCache(root).moduleUrl(entry)).rejects.toThrow(
      `${join(root, "src/pipeline.ts")}:2:22: Could not resolve "./nodes.ts"`,
    );
  });
});

describe("importing compiled modules (a node process on the build)", () => {
  it("keeps one module per source file, import.meta of the source, JSON and JavaScript imports", () => {
    const run = runNode(
      "./src/pipeline.ts",
      "{ isBox: mod.isBox, shared: mod.sharedCount(), here: mod.here, answer: mod.answer }",
    );
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      isBox: true, // nodes.ts and pipeline.ts see the same Box class
      shared: 1,
      here: {
        url: `file://${join(root, "src/pipeline.ts")}`,
        dirname: join(root, "src"),
        filename: join(root, "src/pipeline.ts"),
      },
      answer: 42,
    });
  });

  it("reports errors thrown by project code at their TypeScript file and line", () => {
    const run = runNode(
      "./src/pipeline.ts",
      "(() => { try { mod.fail(); } catch (e) { return e.stack; } })()",
    );
    expect(JSON.parse(run.stdout)).toContain(`${join(root, "src/pipeline.ts")}:9:`);
  });

  it("names the source file, not its compiled copy, when a package is not installed", async () => {
    await write({ "src/needs.ts": 'import { x } from "not-installed-package";\nexport const y = x;\n' });
    const run = runNode("./src/needs.ts", "mod.y");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `Cannot find package 'not-installed-package' imported from ${join(root, "src/needs.ts")}`,
    );
  });

  it("sees an edit in the next process", async () => {
    expect(runNode("./src/pipeline.ts", "mod.answer").stdout.trim()).toBe("42");
    await writeFile(join(root, "src/settings.json"), '{ "half": 5 }'); // compiled into its importer
    expect(runNode("./src/pipeline.ts", "mod.answer").stdout.trim()).toBe("10");
    await writeFile(join(root, "src/plain.js"), "export const twice = (x) => x * 3;\n");
    expect(runNode("./src/pipeline.ts", "mod.answer").stdout.trim()).toBe("15");
  });
});
