import { FileDataset, type FileDatasetConfig } from "../file-dataset.js";

/** UTF-8 text file, loaded and saved as a string. */
export class TextDataset extends FileDataset<string, string> {
  static readonly configKeys = [
    "filepath",
    "load_args",
    "save_args",
    "fs_args",
    "credentials",
    "metadata",
    "version",
  ] as const;
  static readonly loadArgs = [] as const;
  static readonly saveArgs = [] as const;
  static readonly kedroOnlyArgs = ["encoding", "fs_open_args_load", "fs_open_args_save"] as const;

  constructor(config: FileDatasetConfig) {
    super(config);
  }

  protected decode(bytes: Uint8Array): string {
    return new TextDecoder().decode(bytes);
  }

  protected encode(data: string): string {
    if (typeof data !== "string") throw new TypeError(`TextDataset saves strings, got ${typeof data}.`);
    return data;
  }
}
