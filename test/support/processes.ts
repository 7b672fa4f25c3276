// Running the real `kiln` binary, npm and npx from end-to-end tests, in an environment cleaned of
// the variables npm sets for its own scripts (they would point a nested npm at this repository).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = fileURLToPath(new URL("../..", import.meta.url));
export const kilnBin = join(repo, "packages/kiln/bin/kiln.js");

export const cleanEnv: Record<string, string | undefined> = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^(npm_(package|lifecycle|config_(local_prefix|workspaces?))|INIT_CWD$)/i.test(key),
  ),
);
cleanEnv.KILN_ENV = "";

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Both streams, for failure messages. */
  output: string;
}

export function exec(command: string, args: string[], cwd: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv, shell: process.platform === "win32" });
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

export const kiln = (cwd: string, ...args: string[]) => exec(process.execPath, [kilnBin, ...args], cwd);
export const npm = (cwd: string, ...args: string[]) => exec("npm", args, cwd);
