// Spawning the real `kiln` binary (and npm) for the end-to-end tests, and making throwaway projects
// with `kiln new`.
import { spawn } from "node:child_process";
import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const repo = fileURLToPath(new URL("../..", import.meta.url));
export const bin = join(repo, "packages/kiln/bin/kiln.js");

/** The environment of spawned processes: npm's own variables would point a nested npm at this repository. */
export const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^(npm_(package|lifecycle|config_(local_prefix|workspaces?))|INIT_CWD$)/i.test(key),
  ),
);
env.KILN_ENV = "";

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Both streams, for failure messages. */
  output: string;
}

export function exec(command: string, args: string[], cwd: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, shell: process.platform === "win32" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` }));
  });
}

export const kiln = (cwd: string, ...args: string[]) => exec(process.execPath, [bin, ...args], cwd);

/**
 * `kiln new NAME --example y` in `work`, with node_modules linked to this repository's instead of
 * installed (new.test.ts installs one for real): the project's dependencies are all there.
 */
export async function newProject(work: string, name: string): Promise<string> {
  const made = await kiln(work, "new", name, "--example", "y");
  expect(made.code, made.output).toBe(0);
  const dir = join(work, name);
  await symlink(join(repo, "node_modules"), join(dir, "node_modules"), "junction");
  return dir;
}
