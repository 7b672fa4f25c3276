import type { S3Client } from "@aws-sdk/client-s3";
import { IoError } from "../errors/index.js";
import type { FileSystem, FileSystemOptions } from "./file-system.js";
import { importOptional } from "./optional-package.js";
import { hasProtocol, splitProtocol } from "./paths.js";
import { isS3NotFound, s3Error, s3ErrorName, s3Status } from "./s3-errors.js";
import { type S3Settings, s3Settings } from "./s3-options.js";

type Sdk = typeof import("@aws-sdk/client-s3");

interface Location {
  bucket: string;
  key: string;
}

/**
 * `s3://bucket/key` through the AWS SDK v3 (`@aws-sdk/client-s3`, an optional dependency loaded on
 * first use). Works with AWS and S3-compatible servers (`endpoint_url`). Folders are key prefixes
 * ending in `/`.
 */
export class S3FileSystem implements FileSystem {
  readonly protocol = "s3";
  readonly writable = true;
  readonly #sdk: Sdk;
  readonly #client: S3Client;
  readonly #settings: S3Settings;
  /** Undefined until the first `writeExclusive` shows whether the server honours `If-None-Match`. */
  #conditionalWrites: boolean | undefined;

  /**
   * Loads the SDK and makes a client from the entry's credentials and `fs_args` (see `s3Settings`).
   * @throws IoError `KILN_IO_MISSING_PACKAGE` when `@aws-sdk/client-s3` is not installed.
   */
  static async create(options: FileSystemOptions = {}): Promise<S3FileSystem> {
    const settings = s3Settings(options);
    const sdk = await importOptional<Sdk>("@aws-sdk/client-s3", "Reading and writing s3:// paths");
    return new S3FileSystem(sdk, settings);
  }

  private constructor(sdk: Sdk, settings: S3Settings) {
    this.#sdk = sdk;
    this.#settings = settings;
    this.#client = withoutNodeVersionWarning(() => new sdk.S3Client(settings.client));
  }

  async read(path: string): Promise<Uint8Array> {
    const at = objectAt(path);
    return this.#call("read", at, async () => {
      const out = await this.#client.send(new this.#sdk.GetObjectCommand({ Bucket: at.bucket, Key: at.key }));
      if (!out.Body) return new Uint8Array();
      return out.Body.transformToByteArray();
    });
  }

  /** One PutObject: S3 replaces objects whole, so readers never see a partial write. */
  async write(path: string, data: Uint8Array | string): Promise<void> {
    const at = objectAt(path);
    await this.#call("write", at, () => this.#put(at, data));
  }

  /** PutObject with `If-None-Match: *` (412 → false); HEAD then PUT on servers without it. */
  async writeExclusive(path: string, data: Uint8Array | string): Promise<boolean> {
    const at = objectAt(path);
    if (this.#conditionalWrites !== false) {
      try {
        await this.#put(at, data, "*");
        this.#conditionalWrites = true;
        return true;
      } catch (error) {
        const status = s3Status(error);
        // 412: the object exists. 409: another conditional write to the key is in flight; one of
        // them wins, so this one reports the key as taken.
        if (status === 412 || status === 409 || s3ErrorName(error) === "PreconditionFailed") return false;
        if (status !== 501 && s3ErrorName(error) !== "NotImplemented") {
          throw s3Error(error, this.#failure("write", at));
        }
        this.#conditionalWrites = false;
      }
    }
    // NOT ATOMIC: this server does not support conditional writes, so another writer can create the
    // object between the HEAD and the PUT, and the later PUT wins.
    if (await this.#objectExists(at)) return false;
    await this.#call("write", at, () => this.#put(at, data));
    return true;
  }

  /** True for an object, or for a prefix (`folder/`) with objects under it. */
  async exists(path: string): Promise<boolean> {
    const at = locate(path);
    if (at.key !== "" && (await this.#objectExists(at))) return true;
    return this.#call("check", at, async () => {
      const out = await this.#client.send(
        new this.#sdk.ListObjectsV2Command({ Bucket: at.bucket, Prefix: folderPrefix(at.key), MaxKeys: 1 }),
      );
      return (out.KeyCount ?? out.Contents?.length ?? 0) > 0 || (out.CommonPrefixes?.length ?? 0) > 0;
    });
  }

  async list(dir: string): Promise<string[]> {
    const at = locate(dir);
    const prefix = folderPrefix(at.key);
    const names = new Set<string>();
    await this.#pages("list", at, prefix, "/", (keys, prefixes) => {
      for (const p of prefixes) names.add(p.slice(prefix.length).replace(/\/$/, ""));
      for (const k of keys) names.add(k.slice(prefix.length));
    });
    names.delete(""); // the folder's own marker object, `folder/`
    return [...names].sort();
  }

  /** Full `s3://` paths of every object under `dir`, sorted; folder markers (`…/`) are left out. */
  async walk(dir: string): Promise<string[]> {
    const at = locate(dir);
    const out: string[] = [];
    await this.#pages("walk", at, folderPrefix(at.key), undefined, (keys) => {
      for (const k of keys) if (!k.endsWith("/")) out.push(`s3://${at.bucket}/${k}`);
    });
    return out.sort();
  }

  async remove(path: string): Promise<void> {
    const at = objectAt(path);
    await this.#call("remove", at, () =>
      this.#client.send(new this.#sdk.DeleteObjectCommand({ Bucket: at.bucket, Key: at.key })),
    );
  }

  /** Closes the client's sockets; the instance must not be used afterwards. */
  destroy(): void {
    this.#client.destroy();
  }

  async #put(at: Location, data: Uint8Array | string, ifNoneMatch?: string): Promise<void> {
    await this.#client.send(
      new this.#sdk.PutObjectCommand({
        Bucket: at.bucket,
        Key: at.key,
        Body: typeof data === "string" ? new TextEncoder().encode(data) : data,
        ...(ifNoneMatch ? { IfNoneMatch: ifNoneMatch } : {}),
      }),
    );
  }

  async #objectExists(at: Location): Promise<boolean> {
    try {
      await this.#client.send(new this.#sdk.HeadObjectCommand({ Bucket: at.bucket, Key: at.key }));
      return true;
    } catch (error) {
      if (isS3NotFound(error)) return false;
      throw s3Error(error, this.#failure("check", at));
    }
  }

  /** Every page of ListObjectsV2 under `prefix`, following `ContinuationToken`. */
  async #pages(
    operation: string,
    at: Location,
    prefix: string,
    delimiter: string | undefined,
    take: (keys: string[], prefixes: string[]) => void,
  ): Promise<void> {
    let token: string | undefined;
    do {
      const out = await this.#call(operation, at, () =>
        this.#client.send(
          new this.#sdk.ListObjectsV2Command({
            Bucket: at.bucket,
            Prefix: prefix,
            MaxKeys: this.#settings.listPageSize,
            ...(delimiter ? { Delimiter: delimiter } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      take(
        (out.Contents ?? []).flatMap((c) => (c.Key === undefined ? [] : [c.Key])),
        (out.CommonPrefixes ?? []).flatMap((p) => (p.Prefix === undefined ? [] : [p.Prefix])),
      );
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  }

  async #call<T>(operation: string, at: Location, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw s3Error(error, this.#failure(operation, at));
    }
  }

  #failure(operation: string, at: Location) {
    return { operation, ...at, secrets: this.#settings.secrets, endpoint: this.#settings.endpoint };
  }
}

/** The AWS SDK's documented opt-out of its `NodeVersionSupportWarning` (aws/aws-sdk-js-v3#7983). */
const NODE_VERSION_WARNING_OPT_OUT = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED";

/**
 * Makes the SDK client without its `NodeVersionSupportWarning`. On Node < 22 the SDK
 * (`@aws-sdk/core`'s `emitWarningIfUnsupportedVersion`, called from the `S3Client` constructor)
 * prints a multi-line notice about its releases after January 2027 to stderr, in the middle of
 * `kiln run`'s output, although Kiln supports the Node it runs on. The SDK's own switch is set
 * only for this synchronous call, only when the user has not set it (their choice stands), and
 * removed afterwards; no other warning is affected. The SDK checks once per process, so S3 clients
 * made later (Kiln's or the user's) do not print it either.
 */
function withoutNodeVersionWarning<T>(make: () => T): T {
  if (process.env[NODE_VERSION_WARNING_OPT_OUT] !== undefined) return make();
  process.env[NODE_VERSION_WARNING_OPT_OUT] = "true";
  try {
    return make();
  } finally {
    delete process.env[NODE_VERSION_WARNING_OPT_OUT];
  }
}

/** `s3://bucket/key` (or `bucket/key`) → bucket and key; the key may be empty (the whole bucket). */
function locate(path: string): Location {
  const split = hasProtocol(path) ? splitProtocol(path) : { protocol: "s3", path };
  const rest = split.protocol === "s3" ? split.path : undefined;
  const slash = rest?.indexOf("/") ?? -1;
  const bucket = rest === undefined ? "" : slash < 0 ? rest : rest.slice(0, slash);
  if (rest === undefined || bucket.length === 0) {
    throw new IoError("KILN_IO_INVALID_PATH", `"${path}" is not an S3 path.`, {
      hint: "Write s3://<bucket>/<key>, e.g. s3://my-bucket/data/01_raw/x.csv.",
    });
  }
  return { bucket, key: slash < 0 ? "" : rest.slice(slash + 1) };
}

/** Like {@link locate}, for one object: the key must not be empty or end with `/`. */
function objectAt(path: string): Location {
  const at = locate(path);
  if (at.key === "" || at.key.endsWith("/")) {
    throw new IoError("KILN_IO_INVALID_PATH", `"${path}" names a bucket or folder, not an object.`, {
      hint: "Add the object's key after the bucket: s3://<bucket>/<key>.",
    });
  }
  return at;
}

function folderPrefix(key: string): string {
  return key === "" || key.endsWith("/") ? key : `${key}/`;
}
