import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProjectError } from "./find-project.js";
import { layerTemplates, placeholders, readTemplate, renderTemplate } from "./render-template.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-template-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("renderTemplate", () => {
  it("fills placeholders in paths and contents, spaces allowed inside the braces", () => {
    const files = renderTemplate(
      [
        { path: "src/{{name}}/nodes.ts", content: 'export const name = "{{ name }}";\n' },
        { path: "README.md", content: "# {{name}} ({{version}}), {{name}}\n" },
      ],
      { name: "weather", version: "1.2.3" },
    );
    expect(files).toEqual([
      { path: "src/weather/nodes.ts", content: 'export const name = "weather";\n' },
      { path: "README.md", content: "# weather (1.2.3), weather\n" },
    ]);
  });

  it("leaves single braces and text that only looks like a placeholder alone", () => {
    const text = 'pattern: "{name}"\nobject: { {a: 1} }\nempty: {{}}\n';
    expect(renderTemplate([{ path: "catalog.yml", content: text }], {})[0]!.content).toBe(text);
  });

  it("turns _gitignore into .gitignore (npm would not pack a .gitignore)", () => {
    const files = renderTemplate(
      [
        { path: "_gitignore", content: "data/**\n" },
        { path: "sub/_gitignore", content: "" },
        { path: "my_gitignore", content: "" },
      ],
      {},
    );
    expect(files.map((f) => f.path)).toEqual([".gitignore", "sub/.gitignore", "my_gitignore"]);
  });

  it("refuses placeholders it has no value for, naming each with its file", () => {
    let error: unknown;
    try {
      renderTemplate(
        [
          { path: "a.txt", content: "{{known}} {{typo}}" },
          { path: "{{other}}/b.txt", content: "" },
        ],
        { known: "x" },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProjectError);
    expect((error as ProjectError).code).toBe("KILN_PROJECT_BAD_TEMPLATE");
    expect((error as ProjectError).message).toContain("{{typo}} in a.txt, {{other}} in {{other}}/b.txt");
    expect((error as ProjectError).hint).toBe("Templates may use {{known}}.");
  });

  it("lists the placeholders a text uses", () => {
    expect(placeholders("{{a}} {{ b }} {{a}} {c}")).toEqual(["a", "b"]);
  });
});

describe("readTemplate and layerTemplates", () => {
  it("read every file with /-separated paths, sorted, skipping the names asked", async () => {
    await mkdir(join(dir, "conf/base"), { recursive: true });
    await mkdir(join(dir, "data/01_raw"), { recursive: true });
    await writeFile(join(dir, "conf/base/catalog.yml"), "a: 1\n");
    await writeFile(join(dir, "data/01_raw/.gitkeep"), "");
    await writeFile(join(dir, "starter.json"), "{}");
    expect(await readTemplate(dir, ["starter.json"])).toEqual([
      { path: "conf/base/catalog.yml", content: "a: 1\n" },
      { path: "data/01_raw/.gitkeep", content: "" },
    ]);
  });

  it("let later layers replace files at the same path and add new ones", () => {
    const base = [
      { path: "a", content: "base a" },
      { path: "b", content: "base b" },
    ];
    const over = [
      { path: "b", content: "over b" },
      { path: "c", content: "over c" },
    ];
    expect(layerTemplates(base, over)).toEqual([
      { path: "a", content: "base a" },
      { path: "b", content: "over b" },
      { path: "c", content: "over c" },
    ]);
  });
});
