// Every error code raised in the sources is documented in docs/errors.md, and no code is listed twice.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "dist" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !/\.test(-d)?\.ts$/.test(e.name) ? [path] : [];
  });
}

describe("docs/errors.md", () => {
  const doc = readFileSync(join(root, "docs/errors.md"), "utf8");
  const documented = [...doc.matchAll(/^\| `(KILN_[A-Z0-9_]+)`/gm)].map((m) => m[1]);
  const used = new Set(
    sourceFiles(join(root, "packages")).flatMap((f) =>
      [...readFileSync(f, "utf8").matchAll(/"(KILN_[A-Z0-9_]+)"/g)].map((m) => m[1]),
    ),
  );

  it("lists every code the sources raise", () => {
    expect([...used].filter((c) => !documented.includes(c))).toEqual([]);
  });

  it("lists each code once, and only codes that exist", () => {
    expect(documented.length).toBe(new Set(documented).size);
    expect(documented.filter((c) => !used.has(c!))).toEqual([]);
  });
});
