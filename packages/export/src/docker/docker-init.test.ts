import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dockerInit } from "./docker-init.js";
import { dockerfile, dockerignore } from "./dockerfile.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kiln-docker-init-"));
  await writeFile(
    join(root, "package.json"),
    JSON.stringify({ name: "sf", kiln: { projectName: "sf" }, dependencies: { kiln: "^0.1.0" } }),
  );
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The Dockerfile's instructions, one per entry, continuation lines joined and comments dropped. */
const instructions = (text: string) =>
  text
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"));

describe("dockerfile", () => {
  const lines = instructions(dockerfile());

  it("installs with npm ci from the lockfile before copying the code (a code change keeps the dependency layer)", () => {
    const copyManifests = lines.indexOf("COPY package.json package-lock.json ./");
    const install = lines.findIndex((l) => l.startsWith("RUN") && l.includes("npm ci"));
    const copyCode = lines.indexOf("COPY --chown=node:node . .");
    expect(copyManifests).toBeGreaterThan(-1);
    expect(install).toBeGreaterThan(copyManifests);
    expect(copyCode).toBeGreaterThan(install);
    expect(lines[install]).toContain("--mount=type=cache,target=/root/.npm");
    expect(lines[install]).toContain("--omit=dev");
  });

  it("builds on Node 20 and runs as the unprivileged node user with kiln as entrypoint", () => {
    expect(lines.filter((l) => l.startsWith("FROM"))).toEqual([
      "FROM node:20-bookworm AS deps",
      "FROM node:20-bookworm-slim",
    ]);
    const user = lines.indexOf("USER node");
    expect(user).toBeGreaterThan(lines.indexOf("COPY --chown=node:node . ."));
    expect(lines.slice(user + 1)).toEqual(['ENTRYPOINT ["kiln"]', 'CMD ["run"]']);
    expect(lines).toContain("WORKDIR /app");
    expect(lines.find((l) => l.startsWith("ENV"))).toContain("PATH=/app/node_modules/.bin:$PATH");
    // The parser directive must be the first line for BuildKit to read it.
    expect(dockerfile().split("\n")[0]).toBe("# syntax=docker/dockerfile:1");
  });

  it("keeps secrets, installed modules, caches and data out of the build context", () => {
    const ignored = dockerignore().split("\n");
    for (const entry of ["node_modules", ".kiln", ".git", "conf/local/**", "data/**", ".env"])
      expect(ignored).toContain(entry);
    // Docker drops a pattern's trailing slash: "!data/**/" would take every data file back in.
    expect(ignored.filter((l) => l.startsWith("!"))).toEqual(["!conf/local/.gitkeep", "!data/**/.gitkeep"]);
  });
});

describe("dockerInit", () => {
  it("writes both files, and says what npm ci would lack", async () => {
    const result = await dockerInit({ projectPath: root });
    expect(result.files).toEqual(["Dockerfile", ".dockerignore"]);
    expect(await readFile(join(root, "Dockerfile"), "utf8")).toBe(dockerfile());
    expect(await readFile(join(root, ".dockerignore"), "utf8")).toBe(dockerignore());
    expect(result.warnings.join("\n")).toMatch(/no package-lock\.json/);
  });

  it("warns about file: dependencies, which the build context does not hold", async () => {
    await writeFile(
      join(root, "package.json"),
      JSON.stringify({ name: "sf", kiln: {}, dependencies: { kiln: "file:../kiln" } }),
    );
    await writeFile(join(root, "package-lock.json"), "{}");
    const { warnings } = await dockerInit({ projectPath: root });
    expect(warnings).toEqual([
      "kiln (file:../kiln) is a local path, outside the build context: depend on a published version instead.",
    ]);
  });

  it("keeps a Dockerfile it did not write unless forced; replaces its own", async () => {
    await writeFile(join(root, "Dockerfile"), "FROM scratch\n");
    const error = await dockerInit({ projectPath: root }).catch((e) => e);
    expect(error.code).toBe("KILN_EXPORT_FILE_EXISTS");
    expect(error.hint).toContain("--force");
    expect(await readFile(join(root, "Dockerfile"), "utf8")).toBe("FROM scratch\n");
    await dockerInit({ projectPath: root, force: true });
    expect(await readFile(join(root, "Dockerfile"), "utf8")).toBe(dockerfile());
    await dockerInit({ projectPath: root });
  });
});
