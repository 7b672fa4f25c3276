import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { environmentFiles, lockfileFor } from "./model-environment.js";
import { isNativePackage, packageOf } from "./native-packages.js";

const repo = fileURLToPath(new URL("../../../../../", import.meta.url));
const installed = (name: string) => packageOf(join(repo, "node_modules", name, "package.json"))!;

describe("native packages", () => {
  it("tells packages with native code (prebuilt per platform, node-gyp) from plain JavaScript", () => {
    expect(isNativePackage(installed("nodejs-polars"))).toBe(true);
    expect(isNativePackage(installed("better-sqlite3"))).toBe(true);
    expect(isNativePackage(installed("esbuild"))).toBe(true);
    expect(isNativePackage(installed("yaml"))).toBe(false);
    expect(isNativePackage(installed("zod"))).toBe(false);
  });
});

describe("a model's environment", () => {
  it("lists the native packages with their installed versions, and the platform binaries as optional", () => {
    const polars = installed("nodejs-polars");
    const files = environmentFiles({
      projectRoot: join(repo, "examples/spaceflights"),
      projectName: "spaceflights",
      projectVersion: "0.1.0",
      externals: [polars],
    });
    const pkg = JSON.parse(files["package.json"]);
    expect(pkg).toMatchObject({
      name: "spaceflights-model",
      type: "module",
      dependencies: { "nodejs-polars": polars.version },
      optionalDependencies: { "nodejs-polars-linux-x64-gnu": polars.version },
    });
    expect(files["node-version"]).toBe(`${process.version}\n`);
    // The lockfile is this repository's, cut down to what the model installs.
    const lock = JSON.parse(files["package-lock.json"]!);
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages[""]).toEqual({
      name: "spaceflights-model",
      version: "0.1.0",
      dependencies: pkg.dependencies,
      optionalDependencies: pkg.optionalDependencies,
    });
    expect(lock.packages["node_modules/nodejs-polars"].integrity).toMatch(/^sha512-/);
    expect(
      Object.keys(lock.packages).every((k) => k === "" || k.startsWith("node_modules/nodejs-polars")),
    ).toBe(true);
  });

  it("follows dependencies through the lockfile, and gives none without one", () => {
    const sqlite = installed("better-sqlite3");
    const lock = JSON.parse(
      lockfileFor(repo, { name: "m", version: "1.0.0", dependencies: { "better-sqlite3": sqlite.version } }, [
        sqlite,
      ])!,
    );
    expect(Object.keys(lock.packages)).toEqual(
      expect.arrayContaining([
        "node_modules/better-sqlite3",
        "node_modules/bindings",
        "node_modules/prebuild-install",
      ]),
    );
    expect(lockfileFor("/", { name: "m", version: "1", dependencies: {} }, [sqlite])).toBeUndefined();
  });
});
