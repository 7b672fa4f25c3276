import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { c as createTar } from "tar";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.js";
import { makeZip } from "./__fixtures__/zip-writer.js";
import { isConfArchive, openConfSource } from "./conf-source.js";
import { ConfigLoader } from "./config-loader.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kiln-conf-source-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

async function tarOf(name: string, cwd: string, entries: string[]): Promise<string> {
  const file = join(root, name);
  await createTar({ file, cwd: join(root, cwd), gzip: !name.endsWith(".tar") }, entries);
  return file;
}

async function errorOf(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error("expected a rejection");
}

async function parametersIn(path: string): Promise<unknown> {
  return (await new ConfigLoader({ confSource: path, env: "base" }).load("parameters")).value;
}

describe("openConfSource", () => {
  it("knows archives by their extension", () => {
    for (const name of ["c.tar.gz", "c.TGZ", "c.tar", "c.zip"]) expect(isConfArchive(name)).toBe(true);
    for (const name of ["conf", "conf.yml", "c.gz"]) expect(isConfArchive(name)).toBe(false);
  });

  it("uses a folder as it is", async () => {
    const opened = await openConfSource(join(root, "conf"));
    expect(opened).toMatchObject({ path: join(root, "conf"), archive: undefined });
    await opened.close();
  });

  it("extracts a .tar.gz holding conf/ to a temp folder that close() removes", async () => {
    await write({ "p/conf/base/parameters.yml": "rows: 3\n", "p/conf/prod/parameters.yml": "rows: 4\n" });
    const archive = await tarOf("conf-p.tar.gz", "p", ["conf"]);
    const opened = await openConfSource(archive);
    expect(opened.archive).toBe(archive);
    expect(opened.path).toMatch(/kiln-conf-[^/]+\/conf$/);
    expect(await parametersIn(opened.path)).toEqual({ rows: 3 });
    const loader = new ConfigLoader({ confSource: opened.path, env: "prod" });
    expect((await loader.load("parameters")).value).toEqual({ rows: 4 });
    await opened.close();
    expect(existsSync(dirname(opened.path))).toBe(false);
    await opened.close();
  });

  it("takes environment folders at the root, or inside one folder", async () => {
    await write({ "direct/base/parameters.yml": "a: 1\n", "nested/my-conf/base/parameters.yml": "b: 2\n" });
    const direct = await openConfSource(await tarOf("direct.tgz", "direct", ["base"]));
    expect(await parametersIn(direct.path)).toEqual({ a: 1 });
    await direct.close();
    const nested = await openConfSource(await tarOf("nested.tar", "nested", ["my-conf"]));
    expect(nested.path.endsWith("my-conf")).toBe(true);
    expect(await parametersIn(nested.path)).toEqual({ b: 2 });
    await nested.close();
  });

  it("honours another base environment name", async () => {
    await write({ "p/common/parameters.yml": "c: 3\n" });
    const opened = await openConfSource(await tarOf("c.tar.gz", "p", ["common"]), { baseEnv: "common" });
    expect(await readFile(join(opened.path, "common/parameters.yml"), "utf8")).toBe("c: 3\n");
    await opened.close();
  });

  it("extracts a zip, with conf/ at its root or not, and skips symbolic links", async () => {
    const withConf = join(root, "conf.zip");
    await writeFile(
      withConf,
      makeZip({
        "conf/": "",
        "conf/base/": "",
        "conf/base/parameters.yml": `text: ${"x".repeat(2000)}\n`,
        "conf/base/link.yml": { link: "/etc/passwd" },
      }),
    );
    const opened = await openConfSource(withConf);
    expect(await parametersIn(opened.path)).toEqual({ text: "x".repeat(2000) });
    expect(existsSync(join(opened.path, "base/link.yml"))).toBe(false);
    await opened.close();
    const direct = join(root, "direct.zip");
    await writeFile(direct, makeZip({ "base/parameters.yml": "d: 4\n" }));
    const second = await openConfSource(direct);
    expect(await parametersIn(second.path)).toEqual({ d: 4 });
    await second.close();
  });

  it("skips links in a tar and never writes outside the folder", async () => {
    await write({ "p/conf/base/parameters.yml": "e: 5\n" });
    await symlink("/etc/passwd", join(root, "p/conf/base/catalog.yml"));
    const opened = await openConfSource(await tarOf("links.tar.gz", "p", ["conf"]));
    expect(existsSync(join(opened.path, "base/catalog.yml"))).toBe(false);
    expect(await parametersIn(opened.path)).toEqual({ e: 5 });
    await opened.close();

    await write({ "p/sub/x": "", "p/evil.yml": "owned: true\n" });
    const evil = join(root, "evil.tar.gz");
    await createTar({ file: evil, cwd: join(root, "p/sub"), gzip: true, preservePaths: true }, [
      "../evil.yml",
    ]);
    const error = await errorOf(openConfSource(evil));
    expect(error.code).toBe("KILN_CONFIG_BAD_ARCHIVE");
    const zip = join(root, "evil.zip");
    await writeFile(zip, makeZip({ "../evil.yml": "owned: true\n" }));
    expect((await errorOf(openConfSource(zip))).code).toBe("KILN_CONFIG_BAD_ARCHIVE");
  });

  it("names the file of a corrupt, truncated or empty archive", async () => {
    await write({ "p/conf/base/parameters.yml": "rows: 3\n".repeat(200) });
    const good = await readFile(await tarOf("good.tar.gz", "p", ["conf"]));
    const cases: Record<string, Buffer> = {
      "random.tar.gz": Buffer.from("this is not an archive at all, just text"),
      "truncated.tgz": good.subarray(0, Math.floor(good.length / 2)),
      "random.zip": Buffer.from("PK not really a zip"),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      await writeFile(join(root, name), bytes);
      const error = await errorOf(openConfSource(join(root, name)));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.code).toBe("KILN_CONFIG_BAD_ARCHIVE");
      expect(error.message).toContain(join(root, name));
    }
  });

  it("says what an archive without a base folder holds, and when it is missing", async () => {
    await write({ "p/settings/parameters.yml": "a: 1\n", "p/notes.txt": "" });
    const error = await errorOf(openConfSource(await tarOf("odd.tar.gz", "p", ["settings", "notes.txt"])));
    expect(error.code).toBe("KILN_CONFIG_BAD_ARCHIVE");
    expect(error.message).toContain("has no base/ folder");
    expect(error.message).toContain("found notes.txt, settings");
    const missing = await errorOf(openConfSource(join(root, "nope.zip")));
    expect(missing.code).toBe("KILN_CONFIG_ARCHIVE_NOT_FOUND");
    expect(missing.message).toContain(join(root, "nope.zip"));
  });
});
