import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { IoError } from "../errors/index.js";
import type { FileSystemOptions } from "./file-system.js";

/** What {@link S3FileSystem} makes of a catalog entry's credentials and `fs_args`. */
export interface S3Settings {
  /** For the SDK's `S3Client`; credentials left out mean the SDK's default chain (env, profile, role). */
  client: S3ClientConfig;
  /** Keys per ListObjectsV2 page (`fs_args.list_page_size`, 1–1000, default 1000); small values are for tests. */
  listPageSize: number;
  /** Strings never to show in messages (the secret, the token and the key id). */
  secrets: string[];
  /** The custom endpoint, if any, for messages. */
  endpoint: string | undefined;
}

const DEFAULT_REGION = "us-east-1";

function str(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === "string" && v.length > 0) return v;
  return undefined;
}

/**
 * Reads Kedro/fsspec-style settings: credentials `key`, `secret`, `token`, `endpoint_url`, `region`;
 * `fs_args.client_kwargs` `endpoint_url`, `region_name` and boto's `aws_access_key_id`,
 * `aws_secret_access_key`, `aws_session_token`. A custom endpoint turns on path-style addressing
 * (what MinIO, moto and most S3-compatible servers need).
 */
export function s3Settings(options: FileSystemOptions = {}): S3Settings {
  const creds = options.credentials ?? {};
  const fsArgs = options.fsArgs ?? {};
  const kwargs = (fsArgs.client_kwargs ?? {}) as Record<string, unknown>;
  const key = str(creds.key, creds.aws_access_key_id, kwargs.aws_access_key_id);
  const secret = str(creds.secret, creds.aws_secret_access_key, kwargs.aws_secret_access_key);
  const token = str(creds.token, creds.aws_session_token, kwargs.aws_session_token);
  const endpoint = str(creds.endpoint_url, kwargs.endpoint_url, fsArgs.endpoint_url);
  const region = str(creds.region, creds.region_name, kwargs.region_name, fsArgs.region) ?? DEFAULT_REGION;

  if ((key === undefined) !== (secret === undefined)) {
    throw new IoError("KILN_IO_BAD_OPTION", "S3 credentials need both `key` and `secret`, or neither.", {
      hint: "Set both in conf/local/credentials.yml, or leave both out to use the AWS default chain.",
    });
  }
  const listPageSize = fsArgs.list_page_size ?? 1000;
  if (!Number.isInteger(listPageSize) || (listPageSize as number) < 1 || (listPageSize as number) > 1000) {
    throw new IoError("KILN_IO_BAD_OPTION", "fs_args.list_page_size must be an integer from 1 to 1000.", {
      hint: "Leave it out: it exists for tests of pagination.",
    });
  }

  const client: S3ClientConfig = { region };
  if (key !== undefined && secret !== undefined) {
    client.credentials = {
      accessKeyId: key,
      secretAccessKey: secret,
      ...(token ? { sessionToken: token } : {}),
    };
  }
  if (endpoint !== undefined) {
    client.endpoint = endpoint;
    client.forcePathStyle = true;
  }
  if (typeof fsArgs.max_attempts === "number") client.maxAttempts = fsArgs.max_attempts;
  return {
    client,
    listPageSize: listPageSize as number,
    secrets: [secret, token, key].filter((s): s is string => s !== undefined),
    endpoint,
  };
}
