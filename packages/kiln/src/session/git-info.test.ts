import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitInfo } from "./git-info.js";

let dir: string;
const git = (...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd: dir,
    encoding: "utf8",
  });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-git-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("gitInfo", () => {
  it("is undefined outside a repository and before the first commit", async () => {
    expect(await gitInfo(dir)).toBeUndefined();
    git("init", "-q");
    expect(await gitInfo(dir)).toBeUndefined();
  });

  it("gives the commit, and dirty for changed or untracked files", async () => {
    git("init", "-q");
    await writeFile(join(dir, "a.txt"), "1");
    git("add", "a.txt");
    git("commit", "-qm", "first");
    const commit = git("rev-parse", "HEAD").trim();
    expect(await gitInfo(dir)).toEqual({ commit, dirty: false });
    await writeFile(join(dir, "b.txt"), "new");
    expect(await gitInfo(dir)).toEqual({ commit, dirty: true });
    await rm(join(dir, "b.txt"));
    await writeFile(join(dir, "a.txt"), "2");
    expect(await gitInfo(dir)).toEqual({ commit, dirty: true });
  });
});
