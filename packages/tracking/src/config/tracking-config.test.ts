import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ConfigLoader, createLogger } from "kiln";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_TRACKING_YML } from "./default-tracking-yml.js";
import { DEFAULT_TRACKING_CONFIG, parseTrackingConfig } from "./tracking-config.js";
import { resolveTrackingSettings } from "./tracking-settings.js";

let root: string;

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** The merged `tracking` and `credentials` config of the temp project, as a session loads them. */
async function load(env = "local") {
  const loader = new ConfigLoader({
    confSource: join(root, "conf"),
    env,
    configPatterns: { tracking: ["tracking*", "tracking*/**", "**/tracking*"] },
    logger: createLogger({ level: "silent" }),
  });
  return { doc: await loader.load("tracking"), credentials: (await loader.load("credentials")).value };
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kiln-tracking-config-"));
  await mkdir(join(root, "conf/base"), { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("tracking.yml", () => {
  it("is all defaults when absent, and the file kiln tracking init writes says the same", async () => {
    expect(parseTrackingConfig((await load()).doc)).toEqual(DEFAULT_TRACKING_CONFIG);
    await write({ "conf/base/tracking.yml": DEFAULT_TRACKING_YML });
    expect(parseTrackingConfig((await load()).doc)).toEqual(DEFAULT_TRACKING_CONFIG);
  });

  it("merges base with the run environment, and keeps unset keys at their defaults", async () => {
    await write({
      "conf/base/tracking.yml": "experiment:\n  name: flights\nparams:\n  separator: /\n",
      "conf/prod/tracking.yml":
        "pipelines:\n  skip: [data_generation]\nparams:\n  max_depth: 2\n  long_values: fail\n",
    });
    const config = parseTrackingConfig((await load("prod")).doc);
    expect(config.experiment.name).toBe("flights");
    expect(config.pipelines.skip).toEqual(["data_generation"]);
    // Destructive merge, as every config key: prod's params replace base's.
    expect(config.params).toEqual({ ...DEFAULT_TRACKING_CONFIG.params, maxDepth: 2, longValues: "fail" });
  });

  it("reports every bad key at once, with file:line:column and close matches", async () => {
    await write({
      "conf/base/tracking.yml": [
        "stor:",
        "  uri: sqlite:///x.db",
        "params:",
        "  long_values: truncat",
        "  max_depth: 0",
        "  seperator: '-'",
        "run:",
        "  name: '{pipelin}-{env}'",
        "enabled: yes please",
        "",
      ].join("\n"),
    });
    let error: unknown;
    try {
      parseTrackingConfig((await load()).doc, root);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: "KILN_TRACKING_BAD_CONFIG",
      hint: expect.stringContaining("kiln tracking init"),
    });
    const message = (error as Error).message;
    expect(message.split("\n")[0]).toBe("The tracking config has 6 problems:");
    expect(message).toContain('conf/base/tracking.yml:1:1: unknown key "stor" (did you mean "store"?)');
    expect(message).toContain(
      'conf/base/tracking.yml:4:16: params.long_values must be one of truncate, fail, got string "truncat" (did you mean "truncate"?)',
    );
    expect(message).toContain(
      "conf/base/tracking.yml:5:14: params.max_depth must be a whole number of at least 1 (or null), got number 0",
    );
    expect(message).toContain(
      'conf/base/tracking.yml:6:14: unknown key "params.seperator" (did you mean "params.separator"?)',
    );
    expect(message).toContain(
      'run.name uses "{pipelin}", which is not a placeholder (did you mean "{pipeline}"?)',
    );
    expect(message).toContain(
      'conf/base/tracking.yml:9:10: enabled must be true or false, got string "yes please"',
    );
  });

  it("reads the model section: the registered name and how an alias is promoted", async () => {
    await write({
      "conf/base/tracking.yml":
        "model:\n  registered_model_name: price\n  promote:\n    alias: champion\n    metric: r2\n    greater_is_better: false\n",
    });
    expect(parseTrackingConfig((await load()).doc).model).toEqual({
      registeredModelName: "price",
      promote: { alias: "champion", metric: "r2", greaterIsBetter: false },
    });
    await write({ "conf/base/tracking.yml": "model:\n  registered_model_name: price\n" });
    expect(parseTrackingConfig((await load()).doc).model).toEqual({
      registeredModelName: "price",
      promote: null,
    });
  });

  it("refuses a model name or alias that cannot go into a models:/ URI, with file and line", async () => {
    await write({
      "conf/base/tracking.yml": "model:\n  registered_model_name: a/b\n  promote:\n    alias: latest\n",
    });
    let message = "";
    try {
      parseTrackingConfig((await load()).doc, root);
    } catch (e) {
      message = (e as Error).message;
      expect((e as { code: string }).code).toBe("KILN_TRACKING_BAD_CONFIG");
    }
    expect(message).toContain(
      'conf/base/tracking.yml:2:26: model.registered_model_name: "a/b" cannot be a registered model name',
    );
    expect(message).toContain(
      'conf/base/tracking.yml:4:12: model.promote.alias: "latest" cannot be an alias',
    );
  });

  it("takes a section with every key commented out as all defaults", async () => {
    await write({ "conf/base/tracking.yml": "store:\n  # uri: sqlite:///x.db\nlogs: false\n" });
    const config = parseTrackingConfig((await load()).doc);
    expect(config.store).toEqual(DEFAULT_TRACKING_CONFIG.store);
    expect(config.logs).toBe(false);
  });
});

describe("tracking settings", () => {
  const settings = async () => {
    const { doc, credentials } = await load();
    return resolveTrackingSettings({ doc, credentials, projectRoot: root, projectName: "flights" });
  };

  it("default to a SQLite file and an artifact folder in the project, and the project's name", async () => {
    expect(await settings()).toMatchObject({
      store: {
        kind: "sqlite",
        path: join(root, ".kiln/tracking.db"),
        display: "sqlite:///.kiln/tracking.db",
      },
      artifactRoot: join(root, ".kiln/artifacts"),
      artifactCredentials: undefined,
      experimentName: "flights",
    });
  });

  it("take the store's connection string and the artifacts' credentials from credentials.yml, keeping them secret", async () => {
    await write({
      "conf/base/tracking.yml":
        "store:\n  credentials: team_db\nartifacts:\n  location: s3://bucket/runs\n  credentials: s3_creds\n",
      "conf/local/credentials.yml":
        'team_db:\n  con: "postgresql://kiln:p%40ss-CANARY@db.example:5432/tracking"\ns3_creds:\n  key: AKIA\n  secret: s3-CANARY-secret\n',
    });
    const s = await settings();
    expect(s.store).toEqual({
      kind: "postgresql",
      uri: "postgresql://kiln:p%40ss-CANARY@db.example:5432/tracking",
      display: "postgresql://kiln:***@db.example:5432/tracking",
      secrets: ["p@ss-CANARY"],
    });
    expect(s.artifactRoot).toBe("s3://bucket/runs");
    expect(s.artifactCredentials).toEqual({ key: "AKIA", secret: "s3-CANARY-secret" });
    expect(s.secrets).toEqual(expect.arrayContaining(["s3-CANARY-secret", "p@ss-CANARY"]));
  });

  it("name missing credentials with a close match, never showing values", async () => {
    await write({
      "conf/base/tracking.yml": "store:\n  credentials: team_bd\n",
      "conf/local/credentials.yml": "team_db:\n  con: postgresql://u:CANARY-pw@h/d\n",
    });
    const error = await settings().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "KILN_TRACKING_MISSING_CREDENTIALS",
      message: expect.stringMatching(
        /tracking\.yml:2:16: store\.credentials names credentials "team_bd", which are not defined\.$/,
      ),
      hint: 'Did you mean "team_db"? Define "team_bd" in conf/local/credentials.yml (defined: "team_db").',
    });
    expect(JSON.stringify(error) + (error as Error).message).not.toContain("CANARY");
  });

  it.each([
    ["sqlite:////var/runs/t.db", { kind: "sqlite", path: "/var/runs/t.db" }],
    ["runs/t.db", { kind: "sqlite", path: "RUNS/runs/t.db" }],
    ["sqlite:///runs/t.db", { kind: "sqlite", path: "RUNS/runs/t.db" }],
    ["postgres://h/db", { kind: "postgresql", uri: "postgres://h/db", secrets: [] }],
  ])("read store.uri %s", async (uri, expected) => {
    await write({ "conf/base/tracking.yml": `store:\n  uri: "${uri}"\n` });
    const s = await settings();
    const path = (expected as { path?: string }).path;
    expect(s.store).toMatchObject(path ? { ...expected, path: path.replace("RUNS", root) } : expected);
  });

  it.each([
    ["mysql://h/db", 'uses "mysql://", which is no tracking store'],
    ["sqlite:///:memory:", "names no SQLite file"],
    ["sqlite://host/x.db", "names no SQLite file"],
  ])("refuse store.uri %s, saying where it was set", async (uri, says) => {
    await write({ "conf/base/tracking.yml": `store:\n  uri: "${uri}"\n` });
    await expect(settings()).rejects.toMatchObject({
      code: "KILN_TRACKING_BAD_STORE_URI",
      message: expect.stringMatching(new RegExp(`tracking\\.yml:2:8: .*${says.replace(/[()]/g, "\\$&")}`)),
    });
  });
});
