import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CatalogHookContext } from "../hooks/index.js";
import { createLogger } from "../logging/index.js";
import { KilnSession } from "./kiln-session.js";

let root: string;
const logger = createLogger({ level: "silent" });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kiln-session-"));
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "hooked", type: "module", kiln: { projectName: "hooked" } }),
    "src/pipelines.ts": "export function registerPipelines() { return {}; }\n",
    "conf/base/parameters.yml": "model:\n  alpha: 0.5\n  layers: [1, 2]\nseed: 7\n",
    "conf/base/catalog.yml": [
      "model:",
      "  type: json.JSONDataset",
      "  filepath: data/model.json",
      "  versioned: true",
      "",
    ].join("\n"),
    "conf/local/credentials.yml": "db:\n  token: s3cret\n",
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("afterCatalogCreated", () => {
  it("receives Kedro's arguments: catalog, confCatalog, confCreds, feedDict, saveVersion, loadVersions", async () => {
    const session = await KilnSession.create({ projectPath: root, logger, runtimeParams: { seed: 8 } });
    const calls: CatalogHookContext[] = [];
    session.hooks.register({ name: "rec", hooks: { afterCatalogCreated: (ctx) => void calls.push(ctx) } });
    const context = await session.loadContext();
    const saveVersion = "2026-01-02T03.04.05.678Z";
    const loadVersions = { model: "2025-12-31T23.59.59.999Z" };
    const catalog = await context.createCatalog({ saveVersion, loadVersions });
    expect(calls).toHaveLength(1);
    const ctx = calls[0]!;
    expect(ctx.catalog).toBe(catalog);
    expect(ctx.confCatalog).toEqual({
      model: { type: "json.JSONDataset", filepath: "data/model.json", versioned: true },
    });
    expect(ctx.conf).toBe(ctx.confCatalog); // the older name still works
    expect(ctx.confCreds).toEqual({ db: { token: "s3cret" } });
    expect(ctx.parameters).toEqual({ model: { alpha: 0.5, layers: [1, 2] }, seed: 8 });
    expect(ctx.feedDict).toEqual({
      parameters: { model: { alpha: 0.5, layers: [1, 2] }, seed: 8 },
      "params:model": { alpha: 0.5, layers: [1, 2] },
      "params:model.alpha": 0.5,
      "params:model.layers": [1, 2],
      "params:seed": 8,
    });
    // The feed matches what the catalog holds under those names.
    for (const [name, value] of Object.entries(ctx.feedDict)) expect(await catalog.load(name)).toEqual(value);
    expect(ctx.saveVersion).toBe(saveVersion);
    expect(ctx.loadVersions).toEqual(loadVersions);
    await session.close();
  });

  it("gets a fresh save version and no pinned versions by default", async () => {
    const session = await KilnSession.create({ projectPath: root, logger });
    const calls: CatalogHookContext[] = [];
    session.hooks.register({ name: "rec", hooks: { afterCatalogCreated: (ctx) => void calls.push(ctx) } });
    await (await session.loadContext()).createCatalog();
    expect(calls[0]!.saveVersion).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}\.\d{3}Z$/);
    expect(calls[0]!.loadVersions).toEqual({});
    await session.close();
  });
});
