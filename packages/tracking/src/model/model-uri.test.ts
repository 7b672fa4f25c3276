import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Moto, startMoto } from "../../../kiln/src/io/__fixtures__/moto-server.js";
import { type StoreFactory, sqliteFactory } from "../store/__fixtures__/stores.js";
import type { TrackingStore } from "../store/types.js";
import { parseModelUri, resolveModelUri } from "./model-uri.js";

describe("parseModelUri", () => {
  it("reads MLflow's forms and folders", () => {
    expect(parseModelUri("runs:/abc/model")).toEqual({ kind: "run", runId: "abc", artifactPath: "model" });
    expect(parseModelUri("runs:/abc/sub/model/")).toEqual({
      kind: "run",
      runId: "abc",
      artifactPath: "sub/model",
    });
    expect(parseModelUri("models:/price/3")).toEqual({ kind: "version", name: "price", version: 3 });
    expect(parseModelUri("models:/price@champion")).toEqual({
      kind: "alias",
      name: "price",
      alias: "champion",
    });
    expect(parseModelUri("models:/price/latest")).toEqual({ kind: "latest", name: "price" });
    expect(parseModelUri("models:/price/Latest")).toEqual({ kind: "latest", name: "price" });
    expect(parseModelUri("./model")).toEqual({ kind: "path", path: "./model" });
    expect(parseModelUri("file:///tmp/model")).toEqual({ kind: "path", path: "/tmp/model" });
    expect(parseModelUri("s3://bucket/run/model")).toEqual({ kind: "path", path: "s3://bucket/run/model" });
  });

  it("KILN_MODEL_BAD_URI: says what is wrong and how to write it", () => {
    const error = (uri: string) => {
      try {
        parseModelUri(uri);
      } catch (e) {
        return e as { code: string; message: string; hint: string };
      }
      throw new Error(`parsed ${uri}`);
    };
    expect(error("runs:/abc")).toMatchObject({ code: "KILN_MODEL_BAD_URI", hint: "e.g. runs:/abc/model" });
    expect(error("models:/price/0").message).toBe(
      'Model URI "models:/price/0": "0" is not a version number.',
    );
    expect(error("models:/price/first").hint).toContain("models:/price@first");
    expect(error("models:/price").code).toBe("KILN_MODEL_BAD_URI");
    expect(error("").message).toBe('Model URI "": it is empty.');
  });
});

describe("resolveModelUri", () => {
  let factory: StoreFactory;
  let store: TrackingStore;
  let dir: string;
  let runId: string;
  const openStore = async () => ({ store });

  beforeAll(async () => {
    factory = await sqliteFactory();
    store = await factory.open();
    dir = await mkdtemp(join(tmpdir(), "kiln-model-uri-"));
    const exp = await store.getOrCreateExperiment("e");
    runId = await store.createRun({
      runId: "2026-01-01T00.00.00.000Z",
      experimentId: exp.experimentId,
      runName: "train",
      startTime: 1,
      artifactUri: join(dir, "{run_id}", "artifacts"),
      userId: null,
      params: [],
      tags: [],
    });
    const model = join(dir, runId, "artifacts", "model");
    await mkdir(model, { recursive: true });
    await writeFile(join(model, "MLmodel"), "artifact_path: model\n");
    for (const _ of [1, 2])
      await store.registerModelVersion({
        name: "price",
        source: model,
        runId,
        userId: null,
        modelUuid: null,
      });
    await store.setAlias("price", "champion", 1);
  });
  afterAll(async () => {
    await store?.close();
    await factory?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("finds folders, runs' models and registered versions, by number, alias and latest", async () => {
    const model = join(dir, runId, "artifacts", "model");
    expect(await resolveModelUri(model)).toMatchObject({ path: model, source: model });
    expect(await resolveModelUri(`${runId}/artifacts/model`, { cwd: dir })).toMatchObject({ path: model });
    expect(await resolveModelUri(`runs:/${runId}/model`, { openStore })).toMatchObject({
      path: model,
      runId,
    });
    expect(await resolveModelUri("runs:/2026-01-01/model", { openStore })).toMatchObject({ runId }); // a unique start
    expect(await resolveModelUri("models:/price/2", { openStore })).toMatchObject({
      name: "price",
      version: 2,
    });
    expect(await resolveModelUri("models:/price@champion", { openStore })).toMatchObject({ version: 1 });
    expect(await resolveModelUri("models:/price/latest", { openStore })).toMatchObject({ version: 2, runId });
  });

  it("names what exists when a name, version, alias or run is unknown", async () => {
    await expect(resolveModelUri("models:/prize/1", { openStore })).rejects.toMatchObject({
      code: "KILN_MODEL_UNKNOWN_MODEL",
      hint: 'Did you mean "price"? Registered models: "price" (kiln models list).',
    });
    await expect(resolveModelUri("models:/price/7", { openStore })).rejects.toMatchObject({
      code: "KILN_MODEL_UNKNOWN_VERSION",
      message: 'Model URI "models:/price/7": model "price" has no version 7.',
      hint: "Its versions: 1, 2 (kiln models show price).",
    });
    await expect(resolveModelUri("models:/price@prod", { openStore })).rejects.toMatchObject({
      code: "KILN_MODEL_UNKNOWN_ALIAS",
      hint: expect.stringContaining("Its aliases: champion → 1."),
    });
    await expect(resolveModelUri("runs:/nope/model", { openStore })).rejects.toMatchObject({
      code: "KILN_MODEL_RUN_NOT_FOUND",
    });
    await expect(resolveModelUri(`runs:/${runId}/other`, { openStore })).rejects.toMatchObject({
      code: "KILN_MODEL_NOT_FOUND",
      message: expect.stringContaining("does not exist"),
    });
    await expect(resolveModelUri(dir)).rejects.toMatchObject({
      code: "KILN_MODEL_NOT_FOUND",
      message: expect.stringContaining("is no model folder (it has no MLmodel file)"),
    });
    await expect(resolveModelUri("models:/price/1")).rejects.toMatchObject({ code: "KILN_MODEL_NO_STORE" });
  });

  describe("a model in S3", () => {
    let moto: Moto;
    beforeAll(async () => {
      moto = await startMoto();
      const s3 = new S3Client({
        endpoint: moto.endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      });
      await s3.send(new CreateBucketCommand({ Bucket: "models" }));
      for (const [key, body] of [
        ["runs/r1/artifacts/model/MLmodel", "artifact_path: model\n"],
        ["runs/r1/artifacts/model/code/inference.mjs", "export const x = 1;\n"],
      ])
        await s3.send(new PutObjectCommand({ Bucket: "models", Key: key, Body: body }));
      await store.registerModelVersion({
        name: "remote",
        source: "s3://models/runs/r1/artifacts/model",
        runId: null,
        userId: null,
        modelUuid: null,
      });
    });
    afterAll(async () => {
      await moto?.stop();
    });

    it("is downloaded to the cache once, then reused", async () => {
      const cacheDir = join(dir, "cache");
      const credentials = { key: "testing", secret: "testing", endpoint_url: moto.endpoint };
      const open = async () => ({ store, artifactCredentials: credentials });
      const first = await resolveModelUri("models:/remote/1", { openStore: open, cacheDir });
      expect(first.source).toBe("s3://models/runs/r1/artifacts/model");
      expect(first.path.startsWith(join(cacheDir, "downloads"))).toBe(true);
      const { readFile } = await import("node:fs/promises");
      expect(await readFile(join(first.path, "code/inference.mjs"), "utf8")).toBe("export const x = 1;\n");
      await moto.stop(); // nothing to reach: the cached copy serves
      expect((await resolveModelUri("models:/remote/1", { openStore: open, cacheDir })).path).toBe(
        first.path,
      );
    });
  });
});
