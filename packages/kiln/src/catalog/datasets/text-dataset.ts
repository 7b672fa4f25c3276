import type { DatasetPreview } from "../dataset.js";
import { FILE_DATASET_KEYS, FileDataset } from "../file-dataset.js";
import { textPreview } from "./document-preview.js";

/** UTF-8 text file, loaded and saved as a string. */
export class TextDataset extends FileDataset<string, string> {
  static readonly configKeys = FILE_DATASET_KEYS;
  static readonly loadArgs = [] as const;
  static readonly saveArgs = [] as const;
  static readonly kedroOnlyArgs = ["encoding", "fs_open_args_load", "fs_open_args_save"] as const;

  protected decode(bytes: Uint8Array): string {
    return new TextDecoder().decode(bytes);
  }

  protected encode(data: string): string {
    if (typeof data !== "string") throw new TypeError(`TextDataset saves strings, got ${typeof data}.`);
    return data;
  }

  /** The first `rows` lines, for the viz and the CLI. */
  async preview(options: { rows?: number } = {}): Promise<DatasetPreview> {
    return textPreview(await this.load(), options.rows);
  }
}
