export type { FileSystem, FileSystemOptions } from "./file-system.js";
export { clearFileSystemCache, getFileSystem } from "./get-file-system.js";
export { HttpFileSystem, type HttpFileSystemOptions } from "./http-file-system.js";
export { isTempFileName, LocalFileSystem } from "./local-file-system.js";
export {
  hasProtocol,
  joinPath,
  type Protocol,
  type ProtocolPath,
  SUPPORTED_PROTOCOLS,
  splitProtocol,
} from "./paths.js";
export { redactUrl, scrubSecrets } from "./redact.js";
export { S3FileSystem } from "./s3-file-system.js";
