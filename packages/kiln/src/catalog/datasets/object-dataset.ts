import { deserialize, serialize } from "node:v8";
import { FILE_DATASET_KEYS, FileDataset } from "../file-dataset.js";

/**
 * Any structured-cloneable JS value (objects, arrays, Maps, Sets, Dates, typed arrays, BigInts),
 * stored with Node's `v8.serialize` — the format worker threads use. Class instances come back as
 * plain objects and functions cannot be saved. Kedro's `pickle.PickleDataset` maps here.
 */
export class ObjectDataset<T = unknown> extends FileDataset<T, T> {
  static readonly configKeys = FILE_DATASET_KEYS;
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

  protected decode(bytes: Uint8Array): T {
    return deserialize(bytes) as T;
  }

  protected encode(data: T): Uint8Array {
    return serialize(data);
  }
}
