import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The commit the project is at and whether its work tree has changes; undefined outside git. */
export async function gitInfo(cwd: string): Promise<{ commit: string; dirty: boolean } | undefined> {
  try {
    const [{ stdout: commit }, { stdout: status }] = await Promise.all([
      run("git", ["rev-parse", "HEAD"], { cwd }),
      run("git", ["status", "--porcelain"], { cwd }),
    ]);
    return { commit: commit.trim(), dirty: status.trim().length > 0 };
  } catch {
    return undefined;
  }
}
