// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about ${...} interpolation in config text.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ConfDir, confDir, rejection } from "./__fixtures__/conf-dir.js";
import { maskSecrets } from "./mask-secrets.js";

const CANARY = "CANARY-9f3b2c-secret";

let dir: ConfDir;
beforeEach(async () => {
  dir = await confDir({ "base/catalog.yml": "a: 1\n" });
});
afterEach(() => dir.remove());

describe("credentials", () => {
  it("read environment variables with ${env:NAME, default}, as text", async () => {
    await dir.write({
      "local/credentials.yml": [
        "db:",
        "  user: ${env:DB_USER}",
        "  password: ${oc.env:DB_PASSWORD}",
        "  port: ${env:DB_PORT, 5432}",
        "  url: postgres://${env:DB_USER}@${env:DB_HOST, localhost}",
        "",
      ].join("\n"),
    });
    const doc = await dir
      .loader({ environment: { DB_USER: "kiln", DB_PASSWORD: CANARY } })
      .load("credentials");
    expect(doc.value).toEqual({
      db: { user: "kiln", password: CANARY, port: "5432", url: "postgres://kiln@localhost" },
    });
  });

  it("refuse ${env:...} outside credentials, saying why", async () => {
    await dir.write({ "base/parameters.yml": "ok: 1\ntoken: ${env:API_TOKEN}\n" });
    const error = await rejection(dir.loader({ environment: { API_TOKEN: "t" } }).load("parameters"));
    expect(error.code).toBe("KILN_CONFIG_RESOLVER_NOT_ALLOWED");
    expect(error.message).toContain(`${dir.path("base/parameters.yml")}:2:8`);
    expect(error.message).toContain("only credentials");
    expect(error.hint).toContain("credentials.yml");
  });

  it("fail for an unset variable without default, with file:line:col", async () => {
    await dir.write({ "local/credentials.yml": "db:\n  password: ${env:DB_PASWORD}\n" });
    const error = await rejection(dir.loader({ environment: { DB_PASSWORD: CANARY } }).load("credentials"));
    expect(error.code).toBe("KILN_CONFIG_ENV_VAR_NOT_SET");
    expect(error.message).toContain(`${dir.path("local/credentials.yml")}:2:13`);
    expect(error.hint).toContain('Did you mean "DB_PASSWORD"?');
    expect(`${error.message}${error.hint}`).not.toContain(CANARY);
  });

  it("never put a secret in an error raised while loading them", async () => {
    await dir.write({
      "local/credentials.yml": [
        "db:",
        `  password: ${CANARY}`,
        `  url: "postgres://admin:${CANARY}@\${env:KILN_TEST_HOST}/db"`,
        `  dsn: "${CANARY}-\${db.passwrd}"`,
        "  loop: ${db.loop}",
        `  bad: "${CANARY}\${globals:nope"`,
        `  named: \${env:BAD-NAME, ${CANARY}}`,
        "",
      ].join("\n"),
    });
    const error = await rejection(dir.loader({ environment: { SECRET: CANARY } }).load("credentials"));
    expect(error.message).toMatch(/^5 problems resolving the credentials config/);
    expect(error.message).toContain(`${dir.path("local/credentials.yml")}:3:8`);
    const everything = [
      error.message,
      error.hint,
      String(error.cause ?? ""),
      error.stack,
      JSON.stringify(error),
    ].join("\n");
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain("admin");
  });

  it("are masked leaf by leaf for display", async () => {
    await dir.write({
      "local/credentials.yml": `db:\n  user: me\n  password: ${CANARY}\n  hosts: [a, b]\n  port: 5432\n`,
    });
    const doc = await dir.loader().load("credentials");
    const masked = maskSecrets(doc.value);
    expect(masked).toEqual({ db: { user: "***", password: "***", hosts: ["***", "***"], port: "***" } });
    expect(JSON.stringify(masked)).not.toContain(CANARY);
    expect(doc.value.db).toMatchObject({ password: CANARY });
  });
});
