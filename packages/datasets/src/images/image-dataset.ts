import {
  DatasetError,
  type DatasetPreview,
  FILE_DATASET_KEYS,
  FileDataset,
  type FileDatasetConfig,
} from "kiln";
import {
  decodeImage,
  encodeImage,
  type ImageFormat,
  imageProblem,
  normaliseFormat,
  type RgbaImage,
  sniffFormat,
  thumbnail,
  unsupportedFormat,
} from "./image-codec.js";

/** What `preview()` gives for an image: a PNG data URL of a thumbnail (≤ 256 px), and the full size. */
export interface ImagePreviewData {
  src: string;
  width: number;
  height: number;
  format: ImageFormat;
}

const LABEL: Record<ImageFormat, string> = { png: "PNG", jpeg: "JPEG" };

/**
 * A PNG or JPEG file as RGBA pixels (`{ width, height, data, format }`). Loading decodes by the file's
 * signature (so a mislabelled file still loads), else by `load_args.format` or the extension. Saving
 * writes `save_args.format` or the extension's format (`save_args.quality` 1–100 for JPEG, default 75
 * as in Pillow). A node may also return the bytes of a PNG or JPEG file, such as
 * `renderVegaLite(spec, "png")`; they are written as they are when the format matches.
 */
export class ImageDataset extends FileDataset<RgbaImage, RgbaImage | Uint8Array> {
  static readonly configKeys = FILE_DATASET_KEYS;
  static readonly loadArgs = ["format"] as const;
  static readonly saveArgs = ["format", "quality"] as const;
  /** Pillow's and matplotlib's options that mean nothing here (Kedro's `matplotlib.MatplotlibWriter` maps here). */
  static readonly kedroOnlyArgs = [
    "overwrite",
    "dpi",
    "bbox_inches",
    "pad_inches",
    "transparent",
    "facecolor",
    "optimize",
    "fs_open_args_load",
    "fs_open_args_save",
  ] as const;

  readonly loadFormat: ImageFormat;
  readonly saveFormat: ImageFormat;
  readonly #quality: number;

  constructor(config: FileDatasetConfig) {
    super(config);
    const name = this.filepath.slice(this.filepath.lastIndexOf("/") + 1);
    const dot = name.lastIndexOf(".");
    const extension = dot > 0 ? name.slice(dot + 1) : undefined;
    const pick = (arg: unknown, kind: string): ImageFormat | undefined => {
      if (arg === undefined) return undefined;
      const format = typeof arg === "string" ? normaliseFormat(arg) : undefined;
      if (!format) throw unsupportedFormat(this.filepath, `${kind}.format ${JSON.stringify(arg)}`);
      return format;
    };
    const loadArg = pick(this.loadArgs.format, "load_args");
    const saveArg = pick(this.saveArgs.format, "save_args");
    const byExtension = extension === undefined ? undefined : normaliseFormat(extension);
    if (!loadArg && !saveArg && !byExtension) {
      throw unsupportedFormat(
        this.filepath,
        extension ? `the extension ".${extension}"` : "a file name without extension",
      );
    }
    this.loadFormat = (loadArg ?? byExtension ?? saveArg)!;
    this.saveFormat = (saveArg ?? byExtension ?? loadArg)!;
    const quality = this.saveArgs.quality ?? 75;
    if (!Number.isInteger(quality) || (quality as number) < 1 || (quality as number) > 100) {
      throw new DatasetError(
        "KILN_IMAGE_BAD_ARG",
        `${this.filepath}: save_args.quality must be a whole number from 1 to 100, got ${JSON.stringify(quality)}.`,
        { hint: "JPEG quality: 75 is Pillow's default, 90 keeps fine detail." },
      );
    }
    this.#quality = quality as number;
  }

  protected async decode(bytes: Uint8Array): Promise<RgbaImage> {
    const format = sniffFormat(bytes) ?? this.loadFormat;
    try {
      return await decodeImage(bytes, format);
    } catch (error) {
      if (error instanceof DatasetError) throw error;
      throw new DatasetError(
        "KILN_IMAGE_CORRUPT",
        `Could not read ${this.filepath} as ${LABEL[format]}: ${(error as Error).message || String(error)}`,
        {
          cause: error,
          hint:
            bytes.length === 0
              ? "The file is empty; run the node that writes it again."
              : `The file is truncated or is not a ${LABEL[format]} image; open it in an image viewer, or write it again.`,
        },
      );
    }
  }

  protected async encode(value: RgbaImage | Uint8Array): Promise<Uint8Array> {
    if (value instanceof Uint8Array) {
      const held = sniffFormat(value);
      if (held === undefined) {
        throw new DatasetError(
          "KILN_IMAGE_BAD_DATA",
          `${this.filepath}: the node gave ${value.length} bytes that are neither a PNG nor a JPEG file.`,
          {
            hint: "Return { width, height, data } with RGBA pixels in data, or the bytes of a PNG/JPEG file.",
          },
        );
      }
      if (held === this.saveFormat) return value;
      let image: RgbaImage;
      try {
        image = await decodeImage(value, held);
      } catch (error) {
        throw new DatasetError(
          "KILN_IMAGE_BAD_DATA",
          `${this.filepath}: the node gave ${LABEL[held]} bytes that do not decode: ${(error as Error).message}`,
          { cause: error, hint: "Check the step that produced the bytes." },
        );
      }
      return encodeImage(image, this.saveFormat, this.#quality);
    }
    const problem = imageProblem(value);
    if (problem) {
      throw new DatasetError("KILN_IMAGE_BAD_DATA", `${this.filepath}: not an image: ${problem}.`, {
        hint: "Return { width, height, data } with width × height × 4 RGBA bytes in data, or the bytes of a PNG/JPEG file.",
      });
    }
    return encodeImage(value, this.saveFormat, this.#quality);
  }

  /** A PNG thumbnail (nearest neighbour, longer side ≤ 256 px) as a data URL, with the image's size. */
  async preview(): Promise<DatasetPreview> {
    const image = await this.load();
    const small = await encodeImage(thumbnail(image, 256), "png");
    const data: ImagePreviewData = {
      src: `data:image/png;base64,${Buffer.from(small).toString("base64")}`,
      width: image.width,
      height: image.height,
      format: image.format ?? this.loadFormat,
    };
    return { kind: "image", data };
  }
}
