import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatVersion, generateVersion, nextVersion, parseVersion, VERSION_PATTERN } from "./versioning.js";

const run = promisify(execFile);
const fixture = new URL("./__fixtures__/save-versioned.ts", import.meta.url).pathname;

describe("versions", () => {
  it("use Kedro's format and round-trip", () => {
    expect(formatVersion(Date.UTC(2026, 10, 23, 12, 51, 11, 123))).toBe("2026-11-23T12.51.11.123Z");
    expect(parseVersion("2026-11-23T12.51.11.123Z")).toBe(Date.UTC(2026, 10, 23, 12, 51, 11, 123));
    expect(nextVersion("2026-11-23T23.59.59.999Z")).toBe("2026-11-24T00.00.00.000Z");
    expect(() => parseVersion("2026-11-23")).toThrow(
      expect.objectContaining({ code: "KILN_DATASET_BAD_VERSION" }),
    );
  });

  it("are unique and increasing within a process, even in one millisecond", () => {
    const now = Date.now();
    const versions = Array.from({ length: 50 }, () => generateVersion(now));
    expect(new Set(versions).size).toBe(50);
    expect([...versions].sort()).toEqual(versions);
    for (const v of versions) expect(v).toMatch(VERSION_PATTERN);
  });
});

describe("versioned saves from two processes at once", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "kiln-versions-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("never overwrite each other: every save gets its own version", async () => {
    const filepath = join(dir, "model.json");
    const same = "2026-01-01T00.00.00.000Z";
    const child = (label: string) =>
      run(process.execPath, ["--import", "tsx", fixture, filepath, same, "20", label], {
        cwd: process.cwd(),
      });
    const [a, b] = await Promise.all([child("a"), child("b")]);
    const va = JSON.parse(a.stdout) as string[];
    const vb = JSON.parse(b.stdout) as string[];
    const all = [...va, ...vb];
    expect(new Set(all).size).toBe(40);
    const onDisk = await readdir(filepath);
    expect(onDisk.sort()).toEqual([...all].sort());
    // Each version holds exactly what the process that got it saved.
    for (const [label, versions] of [
      ["a", va],
      ["b", vb],
    ] as const) {
      for (const [i, v] of versions.entries()) {
        expect(JSON.parse(await readFile(join(filepath, v, "model.json"), "utf8"))).toEqual({ label, i });
      }
    }
  }, 60_000);
});
