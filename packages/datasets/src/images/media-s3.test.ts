// Images and charts on S3 for real: a moto server on 127.0.0.1, the storage chosen by config alone.
import { createCatalog, createDefaultRegistry, createLogger, type FileDataset, getFileSystem } from "kiln";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Moto, startMoto } from "../../../kiln/src/io/__fixtures__/moto-server.js";
import { barChart, pngStats } from "../__fixtures__/media.js";
import { datasetTypes } from "../plugin.js";
import type { RgbaImage } from "./image-codec.js";

describe.skipIf(process.env.KILN_SKIP_S3 === "1")("images and charts on S3 (moto)", () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
    // moto takes an unsigned bucket creation.
    const created = await fetch(`${moto.endpoint}/kiln-media`, { method: "PUT" });
    expect(created.ok).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  const credentials = () => ({ key: "testing", secret: "testing", endpoint_url: moto.endpoint });
  const open = () => {
    const registry = createDefaultRegistry();
    for (const [name, type] of Object.entries(datasetTypes)) registry.register(name, type);
    return createCatalog({
      catalog: {
        photo: { type: "images.ImageDataset", filepath: "s3://kiln-media/raw/photo.png", credentials: "s3" },
        thumb: {
          type: "images.ImageDataset",
          filepath: "s3://kiln-media/raw/thumb.jpg",
          credentials: "s3",
          save_args: { quality: 90 },
        },
        chart: {
          type: "plots.VegaLiteDataset",
          filepath: "s3://kiln-media/reporting/chart.json",
          credentials: "s3",
          versioned: true,
          save_args: { render: ["svg", "png"], scale: 1 },
        },
      },
      credentials: { s3: credentials() },
      registry,
      logger: createLogger({ level: "silent" }),
    });
  };

  it("round-trips PNG and JPEG images", async () => {
    const image: RgbaImage = {
      width: 2,
      height: 1,
      data: Uint8Array.from([10, 20, 30, 255, 200, 100, 0, 128]),
    };
    const catalog = await open();
    await catalog.save("photo", image);
    expect(await (await open()).load("photo")).toEqual({ ...image, format: "png" });
    const flat: RgbaImage = { width: 16, height: 16, data: new Uint8Array(16 * 16 * 4).fill(90) };
    await catalog.save("thumb", flat);
    const back = (await (await open()).load("thumb")) as RgbaImage;
    expect([back.width, back.height, back.format]).toEqual([16, 16, "jpeg"]);
    expect(Math.abs(back.data[0]! - 90)).toBeLessThanOrEqual(2);
  });

  it("writes a versioned chart's renderings into its version folder", async () => {
    const catalog = await open();
    await catalog.save("chart", barChart());
    const dataset = catalog.get("chart") as FileDataset<unknown>;
    const [version] = await dataset.listVersions();
    const fs = await getFileSystem("s3://kiln-media", { credentials: credentials() });
    const folder = `s3://kiln-media/reporting/chart.json/${version}`;
    expect(await fs.list(folder)).toEqual(["chart.json", "chart.png", "chart.svg"]);
    expect(new TextDecoder().decode(await fs.read(`${folder}/chart.svg`))).toContain(">Shuttle type</text>");
    const png = await fs.read(`${folder}/chart.png`);
    expect(pngStats(png).dark).toBeGreaterThan(300);
    expect(await (await open()).load("chart")).toEqual(barChart());
  });
});
