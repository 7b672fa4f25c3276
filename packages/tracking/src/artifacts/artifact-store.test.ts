// Artifacts in a local folder and, for real, in an S3-compatible server (moto on 127.0.0.1), both
// through the core's storage seam.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { clearFileSystemCache, getFileSystem } from "kiln";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Moto, startMoto } from "../../../kiln/src/io/__fixtures__/moto-server.js";
import { ArtifactStore } from "./artifact-store.js";

const CANARY = "artifacts-s3-CANARY-secret";
const text = (s: string) => new TextEncoder().encode(s);

describe("ArtifactStore in a local folder", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "kiln-artifacts-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("lays runs out as MLflow does and writes nested paths", async () => {
    const store = new ArtifactStore(dir);
    const uri = store.runUri("exp-1", "run-1");
    expect(uri).toBe(join(dir, "exp-1/run-1/artifacts"));
    expect(store.runUri("exp-1")).toBe(join(dir, "exp-1/{run_id}/artifacts"));
    expect(
      await store.put(uri, [
        { path: "reports//a.txt", bytes: text("A") },
        { path: "./b.txt", bytes: text("B") },
      ]),
    ).toEqual(["reports/a.txt", "b.txt"]);
    expect(await readFile(join(uri, "reports/a.txt"), "utf8")).toBe("A");
  });

  it.each(["../escape.txt", "a/../../b", ""])("refuses the path %j", async (path) => {
    await expect(
      new ArtifactStore(dir).put(join(dir, "r"), [{ path, bytes: text("x") }]),
    ).rejects.toMatchObject({
      code: "KILN_TRACKING_BAD_ARTIFACT_PATH",
    });
  });
});

describe.skipIf(process.env.KILN_SKIP_S3 === "1")("ArtifactStore on S3 (moto)", () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
    const client = new S3Client({
      endpoint: moto.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "testing", secretAccessKey: CANARY },
    });
    await client.send(new CreateBucketCommand({ Bucket: "kiln-runs" }));
    client.destroy();
  }, 60_000);
  afterAll(async () => {
    await clearFileSystemCache();
    await moto?.stop();
  });

  it("writes a run's artifacts under s3://bucket/prefix/<experiment>/<run>/artifacts", async () => {
    const credentials = { key: "testing", secret: CANARY, endpoint_url: moto.endpoint };
    const store = new ArtifactStore("s3://kiln-runs/team", credentials);
    const uri = store.runUri("exp", "2026-01-02T03.04.05.678Z");
    expect(uri).toBe("s3://kiln-runs/team/exp/2026-01-02T03.04.05.678Z/artifacts");
    await store.put(uri, [{ path: "plots/p.json", bytes: text('{"a":1}') }]);
    const fs = await getFileSystem(uri, { credentials });
    expect(await fs.walk(uri)).toEqual([`${uri}/plots/p.json`]);
    expect(new TextDecoder().decode(await fs.read(`${uri}/plots/p.json`))).toBe('{"a":1}');
  });

  it("names the bucket, not the secret, when it cannot write", async () => {
    const store = new ArtifactStore("s3://no-such-bucket/x", {
      key: "testing",
      secret: CANARY,
      endpoint_url: moto.endpoint,
    });
    const error = (await store
      .put(store.runUri("e", "r"), [{ path: "a", bytes: text("a") }])
      .catch((e: unknown) => e)) as Error & {
      code: string;
      hint?: string;
    };
    expect(error.code).toMatch(/^KILN_IO_/);
    expect(error.message).toContain("no-such-bucket");
    expect(`${error.message}${error.hint}${JSON.stringify(error)}`).not.toContain(CANARY);
  });
});
