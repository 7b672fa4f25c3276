import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mayHavePlugins, settingsMayDeclarePlugins } from "./project-plugins.js";

let root: string;

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

const project = (deps: Record<string, string> = {}) =>
  JSON.stringify({ name: "p", kiln: { projectName: "p" }, dependencies: deps });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kiln-project-plugins-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("settingsMayDeclarePlugins", () => {
  it("is sure there are none only for settings without plugins, or with plugins: []", () => {
    const template = [
      'import { defineSettings } from "kiln";',
      "/** Project settings: plugins (hooks, dataset types, commands) in the order their hooks run. */",
      "export default defineSettings({",
      "  plugins: [ ],",
      "});",
    ].join("\n");
    expect(settingsMayDeclarePlugins(template)).toBe(false);
    expect(settingsMayDeclarePlugins('import { readFileSync } from "node:fs";\nexport default {};')).toBe(
      false,
    );
    expect(settingsMayDeclarePlugins("// plugins: [audit]\nexport default {};")).toBe(false);
  });

  it("says maybe when plugins are listed, or settings import code it cannot see", () => {
    expect(settingsMayDeclarePlugins("export default { plugins: [audit] };")).toBe(true);
    expect(settingsMayDeclarePlugins("const plugins = [a];\nexport default { plugins };")).toBe(true);
    expect(settingsMayDeclarePlugins('import shared from "./shared.js";\nexport default shared;')).toBe(true);
    expect(settingsMayDeclarePlugins('export { default } from "@acme/kiln-settings";')).toBe(true);
    expect(settingsMayDeclarePlugins('const s = await import("../x.js");\nexport default s;')).toBe(true);
  });
});

describe("mayHavePlugins", () => {
  it("is false outside a project and in a project without plugins", async () => {
    expect(mayHavePlugins(root)).toBe(false);
    await write({
      "package.json": project({ zod: "*" }),
      "node_modules/zod/package.json": JSON.stringify({ name: "zod" }),
      "src/settings.ts": "export default { plugins: [] };",
    });
    expect(mayHavePlugins(join(root, "src"))).toBe(false);
  });

  it("is true when an installed dependency declares a plugin, found from a subfolder", async () => {
    await write({
      "package.json": project({ "kiln-plugin-x": "*" }),
      "node_modules/kiln-plugin-x/package.json": JSON.stringify({ kiln: { plugin: "./plugin.js" } }),
    });
    expect(mayHavePlugins(join(root, "conf"))).toBe(true);
  });

  it("is true when the settings (in the project's sourceDir) may declare plugins", async () => {
    await write({
      "package.json": JSON.stringify({ kiln: { sourceDir: "lib" } }),
      "lib/settings.js": "export default { plugins: [myPlugin] };",
    });
    expect(mayHavePlugins(root)).toBe(true);
  });
});
