import { deserialize, serialize } from "node:v8";
import { FileDataset, type FileDatasetConfig } from "../file-dataset.js";

/**
 * Any structured-cloneable JS value (objects, arrays, Maps, Sets, Dates, typed arrays, BigInts),
 * stored with Node's `v8.serialize` — the format worker threads use. Class instances come back as
 * plain objects and functions cannot be saved. Kedro's `pickle.PickleDataset` maps here.
 */
export class ObjectDataset<T = unknown> extends FileDataset<T, T> {
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
  static readonly kedroOnlyArgs = [
    "backend",
    "protocol",
    "fix_imports",
    "encoding",
    "errors",
    "fs_open_args_load",
    "fs_open_args_save",
  ] as const;

  constructor(config: FileDatasetConfig) {
    super(config);
  }

  protected decode(bytes: Uint8Array): T {
    return deserialize(bytes) as T;
  }

  protected encode(data: T): Uint8Array {
    return serialize(data);
  }
}
