import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IoError } from "../errors/index.js";
import { isTempFileName, LocalFileSystem } from "./local-file-system.js";

const fixtures = fileURLToPath(new URL("./__fixtures__/", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** `node --import tsx <fixture> ...args`, so fixtures import the TypeScript sources. */
function nodeArgs(fixture: string, ...args: string[]): string[] {
  return ["--import", "tsx", join(fixtures, fixture), ...args];
}

let dir: string;
const fs = new LocalFileSystem();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-local-fs-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("LocalFileSystem", () => {
  it("round-trips bytes and text, creating parent folders", async () => {
    const path = join(dir, "round/trip/a.bin");
    await fs.write(path, new Uint8Array([0, 1, 2, 255]));
    expect([...(await fs.read(path))]).toEqual([0, 1, 2, 255]);
    await fs.write(path, "héllo");
    expect(text(await fs.read(path))).toBe("héllo");
    expect(text(await fs.read(pathToFileURL(path).href))).toBe("héllo");
  });

  it("reports a missing file as KILN_IO_NOT_FOUND naming the path", async () => {
    const path = join(dir, "nope/missing.csv");
    const error = await fs.read(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IoError);
    expect(error).toMatchObject({ code: "KILN_IO_NOT_FOUND" });
    expect((error as IoError).message).toContain(path);
  });

  it("lists, walks, checks and removes, hiding temp files", async () => {
    const root = join(dir, "tree");
    await fs.write(join(root, "b.txt"), "b");
    await fs.write(join(root, "a/x.txt"), "x");
    await fs.write(join(root, "a/deep/y.txt"), "y");
    await writeFile(join(root, ".b.txt.tmp-123-abcdef"), "left by a killed writer");
    expect(await fs.list(root)).toEqual(["a", "b.txt"]);
    expect(await fs.walk(root)).toEqual([
      join(root, "a/deep/y.txt"),
      join(root, "a/x.txt"),
      join(root, "b.txt"),
    ]);
    expect(await fs.list(join(root, "missing"))).toEqual([]);
    expect(await fs.walk(join(root, "missing"))).toEqual([]);
    expect(await fs.exists(join(root, "b.txt"))).toBe(true);
    expect(await fs.exists(join(root, "a"))).toBe(true);
    expect(await fs.exists(join(root, "b.txt/below"))).toBe(false);
    await fs.remove(join(root, "b.txt"));
    await fs.remove(join(root, "b.txt"));
    expect(await fs.exists(join(root, "b.txt"))).toBe(false);
    expect(isTempFileName(".b.txt.tmp-123-abcdef")).toBe(true);
    expect(isTempFileName("b.txt")).toBe(false);
  });

  it("writeExclusive writes once, then returns false and leaves the first data", async () => {
    const path = join(dir, "exclusive/v1/data.json");
    expect(await fs.writeExclusive(path, "first")).toBe(true);
    expect(await fs.writeExclusive(path, "second")).toBe(false);
    expect(text(await fs.read(path))).toBe("first");
    expect(await readdir(join(dir, "exclusive/v1"))).toEqual(["data.json"]);
  });

  it("writeWith commits what the producer wrote at the temp path, atomically or exclusively", async () => {
    const path = join(dir, "with/out.txt");
    const produce = (text: string) => async (temp: string) => {
      expect(isTempFileName(temp.slice(temp.lastIndexOf("/") + 1))).toBe(true);
      await writeFile(temp, text);
    };
    expect(await fs.writeWith(path, produce("one"))).toBe(true);
    expect(await fs.writeWith(path, produce("two"))).toBe(true); // replaces
    expect(text(await fs.read(path))).toBe("two");
    expect(await fs.writeWith(path, produce("three"), { exclusive: true })).toBe(false);
    expect(text(await fs.read(path))).toBe("two");
    await expect(
      fs.writeWith(join(dir, "with/failed.txt"), async (temp) => {
        await writeFile(temp, "half");
        throw new Error("engine failed");
      }),
    ).rejects.toThrow("engine failed");
    expect(await readdir(join(dir, "with"))).toEqual(["out.txt"]); // no target, no temp file left
    expect(fs.localPath(pathToFileURL(path).href)).toBe(path);
  });

  it("refuses paths of other protocols", async () => {
    await expect(fs.read("s3://bucket/x")).rejects.toMatchObject({ code: "KILN_IO_WRONG_PROTOCOL" });
  });

  it("lets exactly one of two processes win each writeExclusive", async () => {
    const target = join(dir, "race");
    const count = 40;
    const startAt = String(Date.now() + 2000);
    const run = promisify(execFile);
    const [one, two] = await Promise.all(
      ["one", "two"].map((who) =>
        run(process.execPath, nodeArgs("write-exclusive.mjs", target, who, startAt, String(count)), {
          cwd: repoRoot,
        }),
      ),
    );
    const wins = [JSON.parse(one!.stdout) as boolean[], JSON.parse(two!.stdout) as boolean[]];
    for (let i = 0; i < count; i++) {
      expect(wins[0]![i] !== wins[1]![i], `file v${i}: exactly one winner`).toBe(true);
      expect(text(await fs.read(join(target, `v${i}.txt`)))).toBe(wins[0]![i] ? "one" : "two");
    }
    expect((await readdir(target)).filter(isTempFileName)).toEqual([]);
  }, 30_000);

  it("never leaves a partial file when the writer is killed mid-write (kill -9)", async () => {
    const target = join(dir, "atomic/big.bin");
    const size = 20 * 1024 * 1024;
    const expected = { A: Buffer.alloc(size, "A"), B: Buffer.alloc(size, "B") };
    let tempsLeft = 0;
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, nodeArgs("write-forever.mjs", target), {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "inherit"],
      });
      // Kill soon after the 2nd or 3rd write starts: the first has finished, this one is under way.
      await waitForLine(child, `start ${1 + (round % 2)}`);
      await new Promise((r) => setTimeout(r, round * 3));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));

      const data = await readFile(target);
      expect(data.length).toBe(size);
      expect(data.equals(expected.A) || data.equals(expected.B), `round ${round}: whole A or whole B`).toBe(
        true,
      );
      const names = await readdir(join(dir, "atomic"));
      tempsLeft += names.filter(isTempFileName).length;
      expect(await fs.list(join(dir, "atomic"))).toEqual(["big.bin"]);
      expect(await fs.walk(join(dir, "atomic"))).toEqual([target]);
    }
    // Evidence that writes really were cut short: their temp files stayed behind (and stay hidden).
    expect(tempsLeft).toBeGreaterThan(0);
  }, 60_000);
});

function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.split("\n").includes(line)) {
        child.stdout!.off("data", onData);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`writer exited (${code}) before "${line}"`)));
  });
}
