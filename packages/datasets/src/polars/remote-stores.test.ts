// The tabular datasets on the other stores of the storage seam, for real: S3 on a moto server and
// HTTP on a node:http server, both on 127.0.0.1, chosen by the catalog entry alone.
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { createCatalog, createDefaultRegistry, createLogger } from "kiln";
import pl from "nodejs-polars";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Moto, startMoto } from "../../../kiln/src/io/__fixtures__/moto-server.js";
import { datasetTypes } from "../plugin.js";

const CANARY = "tables-s3-CANARY-secret";
const shuttles = new URL("../../../../../shared/data/spaceflights/shuttles.xlsx", import.meta.url).pathname;
const companies = new URL("../../../../../shared/data/spaceflights/companies.csv", import.meta.url).pathname;

function registry() {
  const types = createDefaultRegistry();
  for (const [name, type] of Object.entries(datasetTypes)) types.register(name, type);
  return types;
}

const frame = () => pl.DataFrame({ id: [1, 2, 3], city: ["Oslo", null, "Lima"], price: [1.5, 2, null] });

describe.skipIf(process.env.KILN_SKIP_S3 === "1")("tables on S3 (moto)", () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
    const client = new S3Client({
      endpoint: moto.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "testing", secretAccessKey: CANARY },
    });
    await client.send(new CreateBucketCommand({ Bucket: "tables" }));
    client.destroy();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  const catalog = (loadVersions?: Record<string, string>) =>
    createCatalog({
      catalog: {
        "{name}_table": {
          type: "polars.{name}Dataset",
          filepath: "s3://tables/{name}/table.data",
          credentials: "s3",
          versioned: true,
        },
      },
      credentials: { s3: { key: "testing", secret: CANARY, endpoint_url: moto.endpoint } },
      registry: registry(),
      logger: createLogger({ level: "silent" }),
      ...(loadVersions ? { loadVersions } : {}),
    });

  it.each(["CSV", "Parquet", "JSON", "IPC", "Excel"])("round-trips %s with versions", async (format) => {
    const first = await catalog();
    await first.save(`${format}_table`, frame());
    await new Promise((r) => setTimeout(r, 3));
    const second = await catalog();
    await second.save(`${format}_table`, frame().head(1));
    expect(((await second.load(`${format}_table`)) as pl.DataFrame).toRecords()).toEqual(
      frame().head(1).toRecords(),
    );
    const versions = await (
      second.get(`${format}_table`) as unknown as { listVersions(): Promise<string[]> }
    ).listVersions();
    expect(versions).toHaveLength(2);
    const pinned = await catalog({ [`${format}_table`]: versions[0]! });
    expect(((await pinned.load(`${format}_table`)) as pl.DataFrame).toRecords()).toEqual(frame().toRecords());
    expect(JSON.stringify(pinned.describe())).not.toContain(CANARY);
  });
});

describe("tables over HTTP (read-only)", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const files: Record<string, string> = { "/shuttles.xlsx": shuttles, "/companies.csv": companies };
    server = createServer(async (req, res) => {
      const file = files[req.url ?? ""];
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200).end(await readFile(file));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("loads Kedro's spaceflights CSV and Excel files from a URL, and refuses to save there", async () => {
    const catalog = await createCatalog({
      catalog: {
        companies: { type: "pandas.CSVDataset", filepath: `${base}/companies.csv` },
        shuttles: { type: "pandas.ExcelDataset", filepath: `${base}/shuttles.xlsx` },
      },
      registry: registry(),
      logger: createLogger({ level: "silent" }),
    });
    const loaded = (await catalog.load("companies")) as pl.DataFrame;
    expect(loaded.height).toBe(10019);
    expect(loaded.columns).toEqual([
      "id",
      "company_rating",
      "company_location",
      "total_fleet_count",
      "iata_approved",
    ]);
    expect(((await catalog.load("shuttles")) as pl.DataFrame).height).toBe(15531);
    await expect(catalog.save("companies", loaded)).rejects.toMatchObject({
      message: expect.stringContaining("read-only"),
    });
  });
});
