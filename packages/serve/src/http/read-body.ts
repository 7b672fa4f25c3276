import type { IncomingMessage } from "node:http";
import { ScoringRequestError } from "../errors.js";

/** A size in bytes for messages: "512 KiB", "20 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 20 && bytes % 2 ** 20 === 0) return `${bytes / 2 ** 20} MiB`;
  if (bytes >= 2 ** 10 && bytes % 2 ** 10 === 0) return `${bytes / 2 ** 10} KiB`;
  return `${bytes} bytes`;
}

/** The 413 for a body over `limit` bytes. */
export function bodyTooLarge(limit: number): ScoringRequestError {
  return new ScoringRequestError(
    "KILN_SERVE_BODY_TOO_LARGE",
    `The request body is larger than the server's limit of ${formatBytes(limit)}.`,
    {
      status: 413,
      errorCode: "REQUEST_LIMIT_EXCEEDED",
      hint: "Send fewer rows per request, or start the server with a larger --body-limit.",
    },
  );
}

/**
 * Reads a request body, refusing one over `limit` bytes as soon as it is known to be (from
 * Content-Length before reading anything, or while it streams in).
 * @throws ScoringRequestError `KILN_SERVE_BODY_TOO_LARGE` (413); rejects if the client goes away.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(bodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // Stop buffering; the answer closes the connection, which drops the rest.
        req.pause();
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () =>
      onError(new Error("the client closed the connection before sending the whole body"));
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  });
}
