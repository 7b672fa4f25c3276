import { FILE_DATASET_KEYS, FileDataset } from "../file-dataset.js";

/** Raw bytes: loads a Uint8Array, saves any Uint8Array (Buffer included). */
export class BinaryDataset extends FileDataset<Uint8Array, Uint8Array> {
  static readonly configKeys = FILE_DATASET_KEYS;
  static readonly loadArgs = [] as const;
  static readonly saveArgs = [] as const;
  static readonly kedroOnlyArgs = ["fs_open_args_load", "fs_open_args_save"] as const;

  protected decode(bytes: Uint8Array): Uint8Array {
    // A plain view, whatever the store returned (local reads give a Buffer).
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  protected encode(data: Uint8Array): Uint8Array {
    if (!(data instanceof Uint8Array))
      throw new TypeError(`BinaryDataset saves a Uint8Array, got ${typeof data}.`);
    return data;
  }
}
