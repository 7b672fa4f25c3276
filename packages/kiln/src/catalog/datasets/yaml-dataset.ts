import { lazyYaml } from "../../utils/index.js";
import type { DatasetPreview } from "../dataset.js";
import { FILE_DATASET_KEYS, FileDataset } from "../file-dataset.js";
import { documentPreview } from "./document-preview.js";

/** YAML file (core schema: no tag can run code). `save_args.indent`, `save_args.sort_keys`. */
export class YAMLDataset<T = unknown> extends FileDataset<T, T> {
  static readonly configKeys = FILE_DATASET_KEYS;
  static readonly loadArgs = [] as const;
  static readonly saveArgs = ["indent", "sort_keys"] as const;
  static readonly kedroOnlyArgs = [
    "default_flow_style",
    "allow_unicode",
    "encoding",
    "fs_open_args_load",
    "fs_open_args_save",
  ] as const;

  protected decode(bytes: Uint8Array): T {
    return lazyYaml().parse(new TextDecoder().decode(bytes), { schema: "core" }) as T;
  }

  protected encode(data: T): string {
    const indent = typeof this.saveArgs.indent === "number" ? this.saveArgs.indent : 2;
    return lazyYaml().stringify(data, { indent, sortMapEntries: this.saveArgs.sort_keys === true });
  }

  /** The first `rows` items of an array (a whole object otherwise), for the viz and the CLI. */
  async preview(options: { rows?: number } = {}): Promise<DatasetPreview> {
    return documentPreview(await this.load(), options.rows);
  }
}
