import { DatasetError } from "kiln";
import { importPackage } from "../import-package.js";

/** The file formats an image dataset reads and writes. */
export const IMAGE_FORMATS = ["png", "jpeg"] as const;
/** `png` or `jpeg` (files named .jpg/.jpe/.jpeg). */
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** An image as nodes see it: 8-bit RGBA pixels, row by row from the top left. */
export interface RgbaImage {
  width: number;
  height: number;
  /** `width * height * 4` bytes: red, green, blue, alpha. */
  data: Uint8Array;
  /** The format it was read from (informational; the dataset's file decides the saved format). */
  format?: ImageFormat;
}

type PngModule = typeof import("pngjs");
type JpegModule = typeof import("jpeg-js");

const NEEDED_FOR = "Reading and writing images";
let png: Promise<PngModule> | undefined;
let jpeg: Promise<JpegModule> | undefined;

/** Imports a codec on first use; a failed import is retried next time. */
async function load<T>(name: string): Promise<T> {
  const mod = await importPackage<T & { default?: T }>(name, "KILN_IMAGE_PACKAGE_MISSING", NEEDED_FOR);
  return mod.default ?? mod;
}

function loadPng(): Promise<PngModule> {
  png ??= load<PngModule>("pngjs").catch((error: unknown) => {
    png = undefined;
    throw error;
  });
  return png;
}

function loadJpeg(): Promise<JpegModule> {
  jpeg ??= load<JpegModule>("jpeg-js").catch((error: unknown) => {
    jpeg = undefined;
    throw error;
  });
  return jpeg;
}

/** `png`, `jpg`, `JPEG`… → the canonical format, or undefined when it is not one we read. */
export function normaliseFormat(name: string): ImageFormat | undefined {
  const lower = name.toLowerCase().replace(/^\./, "");
  if (lower === "png") return "png";
  if (lower === "jpg" || lower === "jpeg" || lower === "jpe") return "jpeg";
  return undefined;
}

/** The format the bytes hold, by their signature. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  return undefined;
}

const asBytes = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** Decodes PNG or JPEG bytes to RGBA pixels. Throws the codec's own error for a corrupt file. */
export async function decodeImage(bytes: Uint8Array, format: ImageFormat): Promise<RgbaImage> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === "png") {
    const { PNG } = await loadPng();
    const image = PNG.sync.read(buffer);
    return { width: image.width, height: image.height, data: asBytes(image.data), format };
  }
  const { decode } = await loadJpeg();
  // Strict, as Pillow is: a truncated JPEG is an error rather than a grey lower half.
  const image = decode(buffer, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false });
  return { width: image.width, height: image.height, data: image.data, format };
}

/** Encodes RGBA pixels as PNG, or as JPEG at `quality` (1–100; alpha is dropped). */
export async function encodeImage(image: RgbaImage, format: ImageFormat, quality = 75): Promise<Uint8Array> {
  const data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  if (format === "png") {
    const { PNG } = await loadPng();
    const out = new PNG({ width: image.width, height: image.height });
    out.data = data;
    return asBytes(PNG.sync.write(out));
  }
  const { encode } = await loadJpeg();
  return asBytes(encode({ width: image.width, height: image.height, data }, quality).data);
}

/** Why `value` is not an {@link RgbaImage}, or undefined when it is one. */
export function imageProblem(value: unknown): string | undefined {
  const v = value as Partial<RgbaImage> | null;
  if (typeof v !== "object" || v === null) return `got ${v === null ? "null" : `a ${typeof v}`}`;
  const { width, height } = v;
  const data: unknown = v.data;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width! < 1 || height! < 1) {
    return `width and height must be positive whole numbers, got ${JSON.stringify(width)} × ${JSON.stringify(height)}`;
  }
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    const got =
      data === undefined
        ? "none"
        : Array.isArray(data)
          ? "an array (wrap it: new Uint8Array(array))"
          : typeof data;
    return `data must be a Uint8Array of RGBA bytes, got ${got}`;
  }
  if (data.length !== width! * height! * 4) {
    return `data has ${data.length} bytes, but ${width} × ${height} RGBA pixels need ${width! * height! * 4}`;
  }
  return undefined;
}

/** A nearest-neighbour copy whose longer side is at most `max` pixels (the image itself when it fits). */
export function thumbnail(image: RgbaImage, max = 256): RgbaImage {
  const ratio = Math.min(1, max / Math.max(image.width, image.height));
  if (ratio === 1) return image;
  const width = Math.max(1, Math.round(image.width * ratio));
  const height = Math.max(1, Math.round(image.height * ratio));
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.floor((y + 0.5) / ratio));
    for (let x = 0; x < width; x++) {
      const from = (sy * image.width + Math.min(image.width - 1, Math.floor((x + 0.5) / ratio))) * 4;
      data.set(image.data.subarray(from, from + 4), (y * width + x) * 4);
    }
  }
  return { width, height, data, ...(image.format ? { format: image.format } : {}) };
}

/** The `KILN_IMAGE_FORMAT` error for a format we do not read or write. */
export function unsupportedFormat(filepath: string, what: string): DatasetError {
  return new DatasetError(
    "KILN_IMAGE_FORMAT",
    `${filepath}: ${what} is not an image format Kiln reads or writes (PNG and JPEG are).`,
    {
      hint: "Name the file .png, .jpg or .jpeg, or set load_args.format / save_args.format to png or jpeg. For SVG charts use plots.VegaLiteDataset with save_args.render: [svg].",
    },
  );
}
