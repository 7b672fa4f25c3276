// Config and catalog together, as a project uses them: YAML files on disk → ConfigLoader →
// createCatalog, with errors that point at the file and line.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigLoader, createCatalog, createLogger } from "kiln";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kiln-conf-"));
  await mkdir(join(root, "conf/base"), { recursive: true });
  await mkdir(join(root, "conf/local"), { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const quiet = createLogger({ level: "silent" });

async function catalogFrom(files: Record<string, string>, env?: string) {
  for (const [path, text] of Object.entries(files)) await writeFile(join(root, "conf", path), text);
  const loader = new ConfigLoader({ confSource: join(root, "conf"), ...(env ? { env } : {}) });
  const catalog = await loader.load("catalog");
  const credentials = await loader.load("credentials");
  const parameters = await loader.load("parameters");
  return createCatalog({
    catalog: catalog.value,
    locate: (path) => catalog.locate(path),
    credentials: credentials.value,
    parameters: parameters.value,
    projectPath: root,
    logger: quiet,
  });
}

describe("a catalog from YAML", () => {
  it("supports anchors, factories, environment overrides and parameters", async () => {
    const catalog = await catalogFrom({
      "base/catalog.yml": [
        "_json: &json",
        "  type: json.JSONDataset",
        "  save_args: { indent: 0 }",
        "",
        "companies:",
        "  <<: *json",
        `  filepath: ${root}/data/01_raw/companies.json`,
        "",
        '"{layer}.{name}":',
        "  <<: *json",
        `  filepath: ${root}/data/{layer}/{name}.json`,
      ].join("\n"),
      "local/catalog.yml": [
        "companies:",
        "  type: json.JSONDataset",
        `  filepath: ${root}/data/local/companies.json`,
      ].join("\n"),
      "base/parameters.yml": "model:\n  alpha: 0.5\n",
    });
    expect(catalog.list()).toEqual(["companies", "parameters", "params:model", "params:model.alpha"]);
    await catalog.save("companies", [{ id: 1 }]);
    expect(JSON.parse(await readFile(join(root, "data/local/companies.json"), "utf8"))).toEqual([{ id: 1 }]);
    await catalog.save("02_intermediate.shuttles", { ok: true });
    expect(await readFile(join(root, "data/02_intermediate/shuttles.json"), "utf8")).toBe('{"ok":true}\n');
    expect(await catalog.load("params:model.alpha")).toBe(0.5);
  });

  it("points at the file and line of an unknown type", async () => {
    const error = await catalogFrom({
      "base/catalog.yml": [
        "companies:",
        "  type: json.JSONDataset",
        "  filepath: a.json",
        "",
        "reviews:",
        "  type: json.JSNDataset",
        "  filepath: r.json",
      ].join("\n"),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "KILN_CATALOG_UNKNOWN_TYPE",
      message: expect.stringMatching(
        /conf\/base\/catalog\.yml:6:\d+ \(dataset "reviews"\): unknown dataset type "json\.JSNDataset"/,
      ),
      hint: expect.stringContaining('"json.JSONDataset"'),
    });
  });

  it("resolves credentials from the local environment without showing them", async () => {
    const canary = "yaml-CANARY-token";
    const catalog = await catalogFrom({
      "base/catalog.yml": [
        "remote:",
        "  type: json.JSONDataset",
        "  filepath: https://example.invalid/data.json",
        "  credentials: api",
      ].join("\n"),
      "local/credentials.yml": `api:\n  token: ${canary}\n`,
    });
    expect(JSON.stringify(catalog.describe())).not.toContain(canary);
    const error = await catalogFrom({
      "base/catalog.yml": [
        "remote:",
        "  type: json.JSONDataset",
        "  filepath: x.json",
        "  credentials: apii",
      ].join("\n"),
      "local/credentials.yml": `api:\n  token: ${canary}\n`,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "KILN_CATALOG_MISSING_CREDENTIALS",
      message: expect.stringContaining("catalog.yml:4"),
    });
    expect(`${(error as Error).message} ${(error as { hint: string }).hint}`).not.toContain(canary);
  });
});
