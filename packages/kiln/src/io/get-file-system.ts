import { createHmac, randomBytes } from "node:crypto";
import { IoError } from "../errors/index.js";
import type { FileSystem, FileSystemOptions } from "./file-system.js";
import { HttpFileSystem } from "./http-file-system.js";
import { LocalFileSystem } from "./local-file-system.js";
import { splitProtocol } from "./paths.js";
import { S3FileSystem } from "./s3-file-system.js";

const cache = new Map<string, Promise<FileSystem>>();

// Cache keys hold options only as a keyed hash, so credentials are neither printable from the map nor
// guessable from a plain digest. The key is new in every process, which is all a cache needs.
const hashKey = randomBytes(32);

/**
 * The file system for `path`'s protocol (`file`, `http`, `https`, `s3`), made once per protocol and
 * options and then shared.
 * @throws IoError `KILN_IO_UNKNOWN_PROTOCOL`; for S3 `KILN_IO_MISSING_PACKAGE` when the SDK is not installed.
 * @example const fs = await getFileSystem("s3://bucket/data/x.csv", { credentials: { key, secret } });
 */
export async function getFileSystem(path: string, options: FileSystemOptions = {}): Promise<FileSystem> {
  const { protocol } = splitProtocol(path);
  const key = `${protocol}:${createHmac("sha256", hashKey).update(stableJson(options)).digest("hex")}`;
  let fs = cache.get(key);
  if (!fs) {
    fs = create(protocol, options);
    cache.set(key, fs);
    // A failure (a missing package, a bad option) is not cached: fixing it must not need a restart.
    fs.catch(() => cache.delete(key));
  }
  return fs;
}

/** Forgets every cached file system, closing S3 clients. For tests and long-lived processes. */
export async function clearFileSystemCache(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  for (const result of await Promise.allSettled(all)) {
    if (result.status === "fulfilled" && result.value instanceof S3FileSystem) result.value.destroy();
  }
}

async function create(protocol: string, options: FileSystemOptions): Promise<FileSystem> {
  const fsArgs = options.fsArgs ?? {};
  switch (protocol) {
    case "file":
      return new LocalFileSystem();
    case "http":
    case "https":
      return new HttpFileSystem({
        protocol,
        ...(fsArgs.headers !== undefined ? { headers: stringRecord(fsArgs.headers, "headers") } : {}),
        ...(fsArgs.timeout !== undefined ? { timeout: fsArgs.timeout as number } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
      });
    case "s3":
      return S3FileSystem.create(options);
    default:
      // splitProtocol already refused unknown protocols; this keeps the switch honest.
      throw new IoError("KILN_IO_UNKNOWN_PROTOCOL", `No file system for "${protocol}://".`);
  }
}

function stringRecord(value: unknown, name: string): Record<string, string> {
  const ok =
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === "string");
  if (!ok) {
    throw new IoError("KILN_IO_BAD_OPTION", `fs_args.${name} must map names to strings.`, {
      hint: `e.g. fs_args: { ${name}: { Accept: text/csv } }. Secrets do not belong in fs_args: put them in credentials.yml and name that entry with \`credentials:\` ({ token } is sent as Authorization: Bearer, { username, password } as Basic auth, { headers } as they are).`,
    });
  }
  return value as Record<string, string>;
}

/** JSON with object keys sorted, so equal options give equal keys whatever their order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
