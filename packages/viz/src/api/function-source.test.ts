// The locator on files laid out as Kiln's TypeScript cache lays them: a source file compiled by
// esbuild with an inline source map into .kiln/cache/typescript/files/, the compiled module imported.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FunctionLocator } from "./function-source.js";

const SOURCE = [
  'import type { Frame } from "./types";',
  "",
  "/** Keeps rows above a threshold. */",
  "export function keepAbove(rows: Frame, { threshold }: { threshold: number }): Frame {",
  "  const kept = rows.filter((r: { v: number }) => r.v > threshold);",
  "  return kept;",
  "}",
  "",
  "export const double = (x: number): number => x * 2;",
  "",
  "export async function report(rows: Frame): Promise<string> {",
  "  // A brace in a string must not end the function: }",
  "  return `rows: $" + "{rows.length} }`;",
  "}",
  "",
].join("\n");

let root: string;
let module: Record<string, (...args: never[]) => unknown>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kiln-viz-source-"));
  const source = join(root, "src/pipelines/demo/nodes.ts");
  await mkdir(join(root, "src/pipelines/demo"), { recursive: true });
  await writeFile(source, SOURCE);
  await writeFile(join(root, "src/plain.js"), "export function plainJs(a) {\n  return a + 1;\n}\n");
  const output = join(root, ".kiln/cache/typescript/files/src/pipelines/demo/nodes.ts.mjs");
  await build({
    entryPoints: [source],
    outfile: output,
    format: "esm",
    platform: "node",
    sourcemap: "inline",
    logLevel: "silent",
  });
  module = await import(pathToFileURL(output).href);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("FunctionLocator", () => {
  it("maps a compiled function back to the TypeScript written, with file and line", async () => {
    const found = await new FunctionLocator(root).locate(module.keepAbove!);
    expect(found).toEqual({
      file: "src/pipelines/demo/nodes.ts",
      line: 4,
      code: [
        "function keepAbove(rows: Frame, { threshold }: { threshold: number }): Frame {",
        "  const kept = rows.filter((r: { v: number }) => r.v > threshold);",
        "  return kept;",
        "}",
      ].join("\n"),
    });
  });

  it("finds arrow functions and ignores braces inside strings", async () => {
    const locator = new FunctionLocator(root);
    const arrow = await locator.locate(module.double!);
    expect(arrow?.line).toBe(9);
    expect(arrow?.code).toContain("(x: number): number => x * 2");
    const report = await locator.locate(module.report!);
    expect(report?.line).toBe(11);
    expect(report?.code.endsWith("rows: $" + "{rows.length} }`;\n}")).toBe(true);
  });

  it("finds plain JavaScript in the source folder as it is", async () => {
    const { plainJs } = await import(pathToFileURL(join(root, "src/plain.js")).href);
    expect(await new FunctionLocator(root).locate(plainJs)).toEqual({
      file: "src/plain.js",
      line: 1,
      code: "function plainJs(a) {\n  return a + 1;\n}",
    });
  });

  it("falls back to a declaration of the function's name; null for what it cannot find", async () => {
    const locator = new FunctionLocator(root);
    // Same name, other text (as a test runner's transform gives): found by its declaration.
    const renamed = { keepAbove: (rows: unknown) => rows }.keepAbove;
    expect((await locator.locate(renamed))?.line).toBe(4);
    expect(await locator.locate(Math.max)).toBeNull();
    expect(await locator.locate(() => "nowhere")).toBeNull();
  });
});
