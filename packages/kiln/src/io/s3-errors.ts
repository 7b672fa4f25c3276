import { IoError } from "../errors/index.js";
import { redactUrl, scrubSecrets } from "./redact.js";

/** What went wrong in an SDK call, for {@link s3Error}. */
export interface S3Failure {
  /** The SDK call, as words: `read`, `write`, `list`, … */
  operation: string;
  bucket: string;
  key: string;
  /** Never shown: scrubbed from any message text. */
  secrets: readonly string[];
  endpoint: string | undefined;
}

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The HTTP status of an SDK error, if the server answered. */
export function s3Status(error: unknown): number | undefined {
  return (error as SdkError | undefined)?.$metadata?.httpStatusCode;
}

/** The S3 error name (`NoSuchKey`, `PreconditionFailed`, …) of an SDK error. */
export function s3ErrorName(error: unknown): string | undefined {
  return (error as SdkError | undefined)?.name;
}

/** True when the SDK error means there is no such object. */
export function isS3NotFound(error: unknown): boolean {
  const name = s3ErrorName(error);
  if (name === "NoSuchBucket") return false;
  return name === "NoSuchKey" || name === "NotFound" || s3Status(error) === 404;
}

/**
 * Wraps an SDK error once: missing objects become `KILN_IO_NOT_FOUND`, the rest `KILN_IO_S3` naming
 * the bucket and key. Credentials never reach the message or the hint.
 */
export function s3Error(error: unknown, failure: S3Failure): IoError {
  if (error instanceof IoError) return error;
  const where = `s3://${failure.bucket}${failure.key ? `/${failure.key}` : ""}`;
  if (isS3NotFound(error)) {
    return new IoError("KILN_IO_NOT_FOUND", `No object at ${where}.`, {
      hint: "Check the bucket and key, or run the node that writes it first.",
      cause: error,
    });
  }
  const e = (error ?? {}) as SdkError;
  const status = s3Status(error);
  const reason = scrubSecrets(
    [e.name && e.name !== "Error" ? e.name : e.code, e.message].filter(Boolean).join(": ") || String(error),
    failure.secrets,
  );
  const message = `S3 ${failure.operation} of ${where} failed${status ? ` (HTTP ${status})` : ""}: ${reason}`;
  return new IoError("KILN_IO_S3", message, { hint: hintFor(e, status, failure), cause: error });
}

function hintFor(e: SdkError, status: number | undefined, failure: S3Failure): string {
  if (e.name === "NoSuchBucket")
    return `Bucket "${failure.bucket}" does not exist: check the path or create it.`;
  if (status === 401 || status === 403 || /AccessKey|Signature|Token|Credential/i.test(e.name ?? "")) {
    return "Check the credentials (key, secret, token) and that they may access this bucket.";
  }
  if (status === undefined) {
    const endpoint = failure.endpoint ? ` (${redactUrl(failure.endpoint)})` : "";
    return `The S3 endpoint${endpoint} could not be reached: check endpoint_url, the network and the region.`;
  }
  return "See the cause for the server's answer.";
}
