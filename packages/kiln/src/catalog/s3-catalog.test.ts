// The catalog on S3 for real: a moto server on 127.0.0.1, the storage chosen by config alone.
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Moto, startMoto } from "../io/__fixtures__/moto-server.js";
import { createLogger } from "../logging/index.js";
import { createCatalog } from "./catalog-from-config.js";
import type { FileDataset } from "./file-dataset.js";

const CANARY = "catalog-s3-CANARY-secret";

describe.skipIf(process.env.KILN_SKIP_S3 === "1")("catalog on S3 (moto)", () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
    const client = new S3Client({
      endpoint: moto.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "testing", secretAccessKey: CANARY },
    });
    await client.send(new CreateBucketCommand({ Bucket: "kiln-data" }));
    client.destroy();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  const conf = () => ({
    catalog: {
      "{name}_s3": {
        type: "json.JSONDataset",
        filepath: "s3://kiln-data/02_intermediate/{name}.json",
        credentials: "dev_s3",
        versioned: true,
      },
      plain: { type: "yaml.YAMLDataset", filepath: "s3://kiln-data/plain.yml", credentials: "dev_s3" },
    },
    credentials: { dev_s3: { key: "testing", secret: CANARY, endpoint_url: moto.endpoint } },
    logger: createLogger({ level: "silent" }),
  });

  it("saves and loads plain and versioned datasets, latest version first", async () => {
    const first = await createCatalog(conf());
    await first.save("plain", { a: [1, 2] });
    expect(await first.load("plain")).toEqual({ a: [1, 2] });
    await first.save("companies_s3", { v: 1 });
    const second = await createCatalog(conf());
    expect(await second.exists("companies_s3")).toBe(true);
    await second.save("companies_s3", { v: 2 });
    expect(await second.load("companies_s3")).toEqual({ v: 2 });
    const versions = await (second.get("companies_s3") as FileDataset<unknown>).listVersions();
    expect(versions).toHaveLength(2);
    const pinned = await createCatalog({ ...conf(), loadVersions: { companies_s3: versions[0]! } });
    expect(await pinned.load("companies_s3")).toEqual({ v: 1 });
  });

  it("keeps the secret out of descriptions and errors", async () => {
    const catalog = await createCatalog(conf());
    expect(JSON.stringify(catalog.describe())).not.toContain(CANARY);
    const error = (await catalog.load("missing_s3").catch((e: unknown) => e)) as Error & { hint?: string };
    expect(error).toMatchObject({ code: "KILN_DATASET_NO_VERSIONS" });
    expect(`${error.message} ${error.hint} ${error.stack}`).not.toContain(CANARY);
  });
});
