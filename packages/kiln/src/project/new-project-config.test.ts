import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProjectError } from "./find-project.js";
import { parseYesNo, readNewProjectConfig } from "./new-project-config.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-new-config-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function config(text: string) {
  await writeFile(join(dir, "config.yml"), text);
  return readNewProjectConfig("config.yml", dir);
}

describe("kiln new --config", () => {
  it("reads Kedro's keys; output_dir resolves against the working directory, ~ is home", async () => {
    expect(await config("project_name: demo\noutput_dir: out\nexample_pipeline: yes\n")).toEqual({
      name: "demo",
      directory: join(dir, "out"),
      example: true,
    });
    expect(await config("project_name: demo\noutput_dir: ~/projects\nexample: n\n")).toEqual({
      name: "demo",
      directory: join(homedir(), "projects"),
      example: false,
    });
    expect(await config("example: false\n")).toEqual({ example: false });
  });

  it("reports every wrong key and value at once", async () => {
    const error = await config("project_nme: demo\noutput_dir: 3\nexample_pipeline: maybe\n").catch((e) => e);
    expect(error).toBeInstanceOf(ProjectError);
    expect(error.code).toBe("KILN_PROJECT_BAD_OPTION");
    expect(error.message).toContain('unknown key "project_nme" (did you mean "project_name"?)');
    expect(error.message).toContain("output_dir must be a path");
    expect(error.message).toContain('example_pipeline must be y or n, not "maybe"');
  });

  it("refuses a missing file and a file that is not a mapping", async () => {
    const missing = await readNewProjectConfig("nope.yml", dir).catch((e) => e);
    expect(missing.code).toBe("KILN_PROJECT_BAD_OPTION");
    expect(missing.message).toContain("Could not read --config nope.yml");
    expect((await config("- a\n- b\n").catch((e) => e)).message).toContain("is not a mapping");
  });
});

describe("parseYesNo", () => {
  it("takes y/yes/true and n/no/false in any case, and booleans", () => {
    for (const v of ["y", "Y", "yes", "TRUE", true]) expect(parseYesNo(v, "--example")).toBe(true);
    for (const v of ["n", "No", "false", false]) expect(parseYesNo(v, "--example")).toBe(false);
    expect(() => parseYesNo("maybe", "--example")).toThrow('--example must be y or n, not "maybe".');
  });
});
