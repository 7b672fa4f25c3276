import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { t as listTar } from "tar";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { packageProject } from "./package-project.js";

let root: string;

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

async function entries(file: string): Promise<string[]> {
  const names: string[] = [];
  await listTar({ file, onReadEntry: (entry) => void names.push(entry.path) });
  return names.sort();
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kiln-package-"));
  await write({
    "package.json": JSON.stringify({ name: "@acme/tiny", version: "1.2.3", kiln: {} }),
    "package-lock.json": "{}",
    "README.md": "not packaged",
    "src/pipelines.ts": "export {};",
    "src/credentials.ts": "export const token = 'CANARY';",
    "src/.env": "TOKEN=CANARY",
    "src/nested/node_modules/x.js": "",
    "conf/base/parameters.yml": "a: 1\n",
    "conf/base/credentials.yml": "db: CANARY\n",
    "conf/base/catalog/credentials-extra.yml": "db: CANARY\n",
    "conf/prod/catalog.yml": "{}\n",
    "conf/local/parameters.yml": "a: 2\n",
    "conf/local/.gitignore": "*\n",
    "data/01_raw/big.csv": "x\n",
  });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("packageProject", () => {
  it("archives code and conf without conf/local, credentials or .env files", async () => {
    const result = await packageProject({ projectPath: join(root, "src") });
    expect(result.project).toBe(join(root, "dist", "acme-tiny-1.2.3.tar.gz"));
    expect(result.conf).toBe(join(root, "dist", "conf-acme-tiny.tar.gz"));
    const expected = [
      "conf/base/parameters.yml",
      "conf/prod/catalog.yml",
      "package-lock.json",
      "package.json",
      "src/pipelines.ts",
    ];
    expect(result.files).toEqual(expected);
    expect(await entries(result.project)).toEqual(expected);
    expect(await entries(result.conf)).toEqual(["conf/base/parameters.yml", "conf/prod/catalog.yml"]);
  });

  it("writes to another folder and falls back to version 0.0.0", async () => {
    await write({ "package.json": JSON.stringify({ name: "tiny", kiln: { projectName: "tiny" } }) });
    const result = await packageProject({ projectPath: root, outputDir: join(root, "out") });
    expect(result.project).toBe(join(root, "out", "tiny-0.0.0.tar.gz"));
    expect(await entries(result.conf)).toContain("conf/base/parameters.yml");
  });

  it("leaves out its output folder when it sits inside a packaged folder", async () => {
    await packageProject({ projectPath: root, outputDir: join(root, "conf/packages") });
    const again = await packageProject({ projectPath: root, outputDir: join(root, "conf/packages") });
    expect(again.files.filter((f) => f.startsWith("conf/packages"))).toEqual([]);
  });

  it("names the missing folder", async () => {
    await rm(join(root, "conf"), { recursive: true });
    await expect(packageProject({ projectPath: root })).rejects.toMatchObject({
      code: "KILN_PACKAGE_MISSING_FOLDER",
      message: "The project has no conf/ folder to package.",
    });
  });
});
