import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCatalog, createDefaultRegistry, createLogger } from "kiln";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { barChart, failure, pngStats } from "../__fixtures__/media.js";
import { renderVegaLite } from "../plots/render-vega-lite.js";
import { datasetTypes } from "../plugin.js";
import { decodeImage, encodeImage, type RgbaImage, sniffFormat, thumbnail } from "./image-codec.js";
import { ImageDataset, type ImagePreviewData } from "./image-dataset.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-images-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A 3×2 image: red, green, blue on top; white, half-transparent grey, black below. */
const pixels = (): RgbaImage => ({
  width: 3,
  height: 2,
  data: Uint8Array.from([
    255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255, 128, 128, 128, 128, 0, 0, 0, 255,
  ]),
});

/** A smooth 64×48 gradient, which JPEG keeps close. */
function gradient(): RgbaImage {
  const width = 64;
  const height = 48;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([x * 4, y * 5, 128, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

function registry() {
  const types = createDefaultRegistry();
  for (const [name, type] of Object.entries(datasetTypes)) types.register(name, type);
  return types;
}

describe("ImageDataset", () => {
  it("round-trips PNG pixels exactly, alpha included", async () => {
    const dataset = new ImageDataset({ filepath: join(dir, "p.png") });
    expect(await dataset.exists()).toBe(false);
    await dataset.save(pixels());
    expect(sniffFormat(await readFile(join(dir, "p.png")))).toBe("png");
    const back = await dataset.load();
    expect(back).toEqual({ ...pixels(), format: "png" });
    expect(back.data.constructor).toBe(Uint8Array);
  });

  it("round-trips JPEG pixels within its loss, at the quality asked", async () => {
    const image = gradient();
    const high = new ImageDataset({ filepath: join(dir, "g.jpg"), save_args: { quality: 95 } });
    await high.save(image);
    expect(sniffFormat(await readFile(join(dir, "g.jpg")))).toBe("jpeg");
    const back = await high.load();
    expect([back.width, back.height, back.format]).toEqual([64, 48, "jpeg"]);
    let worst = 0;
    for (let i = 0; i < image.data.length; i++)
      worst = Math.max(worst, Math.abs(image.data[i]! - back.data[i]!));
    expect(worst).toBeLessThanOrEqual(12);
    const low = new ImageDataset({ filepath: join(dir, "low.jpeg"), save_args: { quality: 5 } });
    await low.save(image);
    expect((await readFile(join(dir, "low.jpeg"))).length).toBeLessThan(
      (await readFile(join(dir, "g.jpg"))).length,
    );
  });

  it("takes the format from load_args/save_args when the extension says nothing", async () => {
    const dataset = new ImageDataset({
      filepath: join(dir, "frame.img"),
      load_args: { format: "jpeg" },
      save_args: { format: "JPEG" },
    });
    await dataset.save(gradient());
    expect(sniffFormat(await readFile(join(dir, "frame.img")))).toBe("jpeg");
    expect((await dataset.load()).format).toBe("jpeg");
  });

  it("loads a mislabelled file by its signature", async () => {
    await writeFile(join(dir, "really-png.jpg"), await encodeImage(pixels(), "png"));
    const back = await new ImageDataset({ filepath: join(dir, "really-png.jpg") }).load();
    expect(back).toEqual({ ...pixels(), format: "png" });
  });

  it("saves the PNG bytes of a rendered chart as they are, or re-encodes them as JPEG", async () => {
    const png = await renderVegaLite(barChart(), "png", { scale: 1 });
    const asPng = new ImageDataset({ filepath: join(dir, "chart.png") });
    await asPng.save(png);
    expect(new Uint8Array(await readFile(join(dir, "chart.png")))).toEqual(png);
    const asJpeg = new ImageDataset({ filepath: join(dir, "chart.jpg") });
    await asJpeg.save(png);
    const back = await asJpeg.load();
    expect([back.width, back.height]).toEqual([pngStats(png).width, pngStats(png).height]);
  });

  it("reports a corrupt or empty file, naming it", async () => {
    const path = join(dir, "broken.png");
    const bytes = await encodeImage(gradient(), "png");
    await writeFile(path, bytes.subarray(0, bytes.length - 30));
    const error = await failure(new ImageDataset({ filepath: path }).load());
    expect(error.code).toBe("KILN_IMAGE_CORRUPT");
    expect(error.message).toContain(`Could not read ${path} as PNG`);
    expect(error.hint).toContain("truncated");

    const jpegPath = join(dir, "broken.jpg");
    const jpeg = await encodeImage(gradient(), "jpeg");
    await writeFile(jpegPath, jpeg.subarray(0, jpeg.length / 2));
    const jpegError = await failure(new ImageDataset({ filepath: jpegPath }).load());
    expect(jpegError.code).toBe("KILN_IMAGE_CORRUPT");
    expect(jpegError.message).toContain(`Could not read ${jpegPath} as JPEG`);

    await writeFile(path, "");
    const empty = await failure(new ImageDataset({ filepath: path }).load());
    expect(empty.code).toBe("KILN_IMAGE_CORRUPT");
    expect(empty.hint).toContain("empty");
  });

  it("refuses formats it does not handle, when the entry is built", () => {
    const make =
      (filepath: string, extra: Record<string, unknown> = {}) =>
      () =>
        new ImageDataset({ filepath: join(dir, filepath), ...extra });
    expect(make("plot.svg")).toThrow(/the extension "\.svg" is not an image format Kiln reads or writes/);
    expect(make("noextension")).toThrow(/a file name without extension/);
    expect(make("a.png", { load_args: { format: "gif" } })).toThrow(/load_args.format "gif"/);
    expect(make("a.jpg", { save_args: { quality: 0 } })).toThrow(
      /quality must be a whole number from 1 to 100/,
    );
    try {
      make("plot.svg")();
    } catch (error) {
      expect((error as { code: string }).code).toBe("KILN_IMAGE_FORMAT");
      expect((error as { hint: string }).hint).toContain("plots.VegaLiteDataset");
    }
  });

  it("refuses to save what is not an image", async () => {
    const dataset = new ImageDataset({ filepath: join(dir, "x.png") });
    const short = await failure(dataset.save({ width: 2, height: 2, data: new Uint8Array(15) }));
    expect(short.code).toBe("KILN_IMAGE_BAD_DATA");
    expect(short.message).toContain("data has 15 bytes, but 2 × 2 RGBA pixels need 16");
    const array = await failure(dataset.save({ width: 1, height: 1, data: [1, 2, 3, 4] } as never));
    expect(array.message).toContain("got an array");
    const bytes = await failure(dataset.save(new Uint8Array([1, 2, 3])));
    expect(bytes.message).toContain("neither a PNG nor a JPEG file");
  });

  it("previews a thumbnail of at most 256 px as a PNG data URL", async () => {
    const big: RgbaImage = { width: 600, height: 300, data: new Uint8Array(600 * 300 * 4).fill(200) };
    const dataset = new ImageDataset({ filepath: join(dir, "big.png") });
    await dataset.save(big);
    const preview = await dataset.preview();
    expect(preview.kind).toBe("image");
    const data = preview.data as ImagePreviewData;
    expect([data.width, data.height, data.format]).toEqual([600, 300, "png"]);
    expect(data.src.startsWith("data:image/png;base64,")).toBe(true);
    const small = await decodeImage(Buffer.from(data.src.split(",")[1]!, "base64"), "png");
    expect([small.width, small.height]).toEqual([256, 128]);
    expect(small.data[0]).toBe(200);
  });
});

describe("thumbnail", () => {
  it("picks the nearest source pixel and keeps small images as they are", () => {
    const image: RgbaImage = { width: 4, height: 2, data: new Uint8Array(32) };
    for (let i = 0; i < 8; i++) image.data.set([i * 10, 0, 0, 255], i * 4);
    const half = thumbnail(image, 2);
    expect([half.width, half.height]).toEqual([2, 1]);
    expect([half.data[0], half.data[4]]).toEqual([50, 70]); // centres fall on source (1, 1) and (3, 1)
    expect(thumbnail(image, 256)).toBe(image);
  });
});

describe("ImageDataset through the catalog", () => {
  it("loads Kedro's pillow and matplotlib names, warning once for matplotlib-only options", async () => {
    const warnings: string[] = [];
    const catalog = await createCatalog({
      catalog: {
        photo: { type: "pillow.ImageDataset", filepath: "data/01_raw/photo.png" },
        dummy_confusion_matrix: {
          type: "matplotlib.MatplotlibWriter",
          filepath: "data/08_reporting/dummy_confusion_matrix.png",
          versioned: true,
          save_args: { dpi: 200 },
        },
      },
      registry: registry(),
      projectPath: dir,
      logger: { ...createLogger({ level: "silent" }), warn: (m: string) => warnings.push(m) } as never,
    });
    await catalog.save("photo", pixels());
    expect(await catalog.load("photo")).toEqual({ ...pixels(), format: "png" });
    await catalog.save("dummy_confusion_matrix", await renderVegaLite(barChart(), "png"));
    expect(
      pngStats(await encodeImage((await catalog.load("dummy_confusion_matrix")) as RgbaImage, "png")).dark,
    ).toBeGreaterThan(1000);
    expect(warnings.join("\n")).toMatch(/save_args.dpi is a Kedro option/);
  });
});
