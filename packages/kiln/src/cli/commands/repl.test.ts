import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../logging/index.js";
import { startRepl } from "./repl.js";

let root: string;

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** Runs the REPL over `lines` as piped input; resolves to what it printed. */
async function session(lines: string[]): Promise<{ output: string; info: string }> {
  const output = new PassThrough();
  const info = new PassThrough();
  const chunks = { output: "", info: "" };
  output.on("data", (c: Buffer) => {
    chunks.output += c.toString();
  });
  info.on("data", (c: Buffer) => {
    chunks.info += c.toString();
  });
  await startRepl({
    projectPath: root,
    logger: createLogger({ level: "silent" }),
    // One chunk, as a pipe delivers it: the lines must still run one after the other.
    input: Readable.from([`${lines.join("\n")}\n`]),
    output,
    info,
    terminal: false,
  });
  return chunks;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kiln-repl-"));
  await write({
    "package.json": JSON.stringify({ name: "tiny", type: "module", kiln: {} }),
    "src/pipelines.ts": [
      'import { node, pipeline } from "kiln";',
      "export function registerPipelines() {",
      '  const p = pipeline([node({ func: (x: number) => x + 1, inputs: "params:x", outputs: "y", name: "inc" })]);',
      "  return { __default__: p, inc: p };",
      "}",
    ].join("\n"),
    "conf/base/parameters.yml": "x: 1\n",
  });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("kiln repl", () => {
  it("runs piped lines in order, awaits included, with the project in scope", async () => {
    const { output, info } = await session([
      'const x = await catalog.load("params:x")',
      "x + 41",
      "Object.keys(pipelines).sort().join()",
      "function twice(n) {",
      "  return n * 2",
      "}",
      "await new Promise((r) => setTimeout(() => r(twice(21)), 20))",
      "context.env",
    ]);
    expect(info).toContain("In scope:");
    for (const name of ["catalog", "context", "pipelines", "session", "reload()"])
      expect(info).toContain(name);
    const values = output
      .split("\n")
      .map((l) => l.replace(/^(\.\.\. )+/, ""))
      .filter(Boolean);
    expect(values).toEqual(["42", "'__default__,inc'", "42", "'local'"]);
  });

  it("reload() re-reads conf and says what it reloaded", async () => {
    const { output, info } = await session([
      'await catalog.load("params:x")',
      `await (await import("node:fs/promises")).writeFile(${JSON.stringify(join(root, "conf/base/parameters.yml"))}, "x: 5\\n")`,
      "await reload()",
      'await catalog.load("params:x")',
    ]);
    expect(output.trim().split("\n")).toEqual(["1", "5"]);
    expect(info).toMatch(/Reloaded project tiny .* env local/);
    expect(info).toContain("code re-imported from src/");
  });
});
