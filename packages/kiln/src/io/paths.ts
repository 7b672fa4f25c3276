import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { IoError } from "../errors/index.js";
import { quoteList } from "../utils/index.js";

/** The protocols {@link getFileSystem} can serve. */
export const SUPPORTED_PROTOCOLS = ["file", "http", "https", "s3"] as const;

/** One of {@link SUPPORTED_PROTOCOLS}. */
export type Protocol = (typeof SUPPORTED_PROTOCOLS)[number];

/** A path taken apart by {@link splitProtocol}. */
export interface ProtocolPath {
  protocol: Protocol;
  /** `file`: a local path; `http(s)`: the whole URL; `s3`: `bucket/key` without the `s3://`. */
  path: string;
}

// A scheme followed by `://`; Windows drive letters (`C:\x`, `C:/x`) have no `//` after the colon.
const URL_LIKE = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/s;

/** True when `path` starts with `<scheme>://`. */
export function hasProtocol(path: string): boolean {
  return URL_LIKE.test(path);
}

/**
 * Splits a path into its protocol and the part the store understands. Plain paths and `file://` URLs
 * are local.
 * @throws IoError `KILN_IO_UNKNOWN_PROTOCOL` for a protocol Kiln has no file system for.
 * @example splitProtocol("s3://bucket/data/x.csv") // { protocol: "s3", path: "bucket/data/x.csv" }
 */
export function splitProtocol(path: string): ProtocolPath {
  const match = URL_LIKE.exec(path);
  if (!match) return { protocol: "file", path };
  const protocol = match[1]!.toLowerCase();
  const rest = match[2]!;
  switch (protocol) {
    case "file":
      return { protocol, path: fileUrlToPath(path) };
    case "http":
    case "https":
      return { protocol, path };
    case "s3":
      return { protocol, path: rest };
    default:
      throw new IoError("KILN_IO_UNKNOWN_PROTOCOL", `Unknown protocol "${protocol}://" in path "${path}".`, {
        hint: `Kiln can read and write ${quoteList(SUPPORTED_PROTOCOLS.map((p) => `${p}://`))}; plain paths are local.`,
      });
  }
}

/**
 * Joins path segments: with the platform's rules for local paths, with `/` for URLs (`s3://`,
 * `http(s)://`, `file://`), where the protocol and host are kept and no `..` is resolved.
 * @example joinPath("s3://bucket/data/", "raw", "x.csv") // "s3://bucket/data/raw/x.csv"
 */
export function joinPath(base: string, ...parts: string[]): string {
  if (!hasProtocol(base)) return join(base, ...parts);
  const pieces = parts.map((p) => p.replace(/^\/+|\/+$/g, "")).filter((p) => p.length > 0);
  if (pieces.length === 0) return base;
  const head = base.endsWith("://") ? base : base.replace(/\/+$/, "");
  return head.endsWith("://") ? head + pieces.join("/") : `${head}/${pieces.join("/")}`;
}

function fileUrlToPath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch (error) {
    throw new IoError("KILN_IO_INVALID_PATH", `"${url}" is not a valid file URL.`, {
      hint: "Write file:///absolute/path (three slashes), or a plain relative path such as data/x.csv.",
      cause: error,
    });
  }
}
