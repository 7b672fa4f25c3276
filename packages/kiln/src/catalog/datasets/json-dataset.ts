import type { DatasetPreview } from "../dataset.js";
import { FILE_DATASET_KEYS, FileDataset } from "../file-dataset.js";
import { documentPreview } from "./document-preview.js";

/** JSON file. `save_args.indent` (default 2; 0 for compact). */
export class JSONDataset<T = unknown> extends FileDataset<T, T> {
  static readonly configKeys = FILE_DATASET_KEYS;
  static readonly loadArgs = [] as const;
  static readonly saveArgs = ["indent"] as const;
  static readonly kedroOnlyArgs = [
    "ensure_ascii",
    "sort_keys",
    "default",
    "cls",
    "encoding",
    "fs_open_args_load",
    "fs_open_args_save",
  ] as const;

  protected decode(bytes: Uint8Array): T {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  }

  protected encode(data: T): string {
    const indent = this.saveArgs.indent ?? 2;
    return `${JSON.stringify(data, null, typeof indent === "number" && indent > 0 ? indent : undefined)}\n`;
  }

  /** The first `rows` items of an array (a whole object otherwise), for the viz and the CLI. */
  async preview(options: { rows?: number } = {}): Promise<DatasetPreview> {
    return documentPreview(await this.load(), options.rows);
  }
}
