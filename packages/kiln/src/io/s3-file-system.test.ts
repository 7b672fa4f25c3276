import { spawnSync } from "node:child_process";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { inspect } from "node:util";
import { CreateBucketCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IoError } from "../errors/index.js";
import { type Moto, startMoto } from "./__fixtures__/moto-server.js";
import { clearFileSystemCache, getFileSystem } from "./get-file-system.js";
import { S3FileSystem } from "./s3-file-system.js";

// A real moto server, started here. Without moto these tests fail, unless KILN_SKIP_S3=1.
const CANARY = "canary-s3cr3t-7f3a9c";
const BUCKET = "kiln-test";
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Everything about an error a user or a log could see, including the cause chain. */
function everything(error: unknown): string {
  const e = error as IoError;
  return [
    e.message,
    e.hint,
    e.toDisplayString?.(),
    inspect(error, { depth: Number.POSITIVE_INFINITY }),
    JSON.stringify(error),
  ].join("\n");
}

describe.skipIf(process.env.KILN_SKIP_S3 === "1")("S3FileSystem (moto)", () => {
  let moto: Moto;
  let fs: S3FileSystem;
  const credentials = () => ({ key: "testing", secret: CANARY, endpoint_url: moto.endpoint });

  beforeAll(async () => {
    moto = await startMoto();
    const client = new S3Client({
      region: "us-east-1",
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    client.destroy();
    fs = (await getFileSystem(`s3://${BUCKET}/x`, {
      credentials: credentials(),
      fsArgs: { list_page_size: 2 },
    })) as S3FileSystem;
  }, 60_000);

  afterAll(async () => {
    await clearFileSystemCache();
    await moto?.stop();
  });

  it("is chosen for s3:// and shared for equal options", async () => {
    expect(fs).toBeInstanceOf(S3FileSystem);
    const again = await getFileSystem(`s3://${BUCKET}/other`, {
      fsArgs: { list_page_size: 2 },
      credentials: credentials(),
    });
    expect(again).toBe(fs);
    expect(await getFileSystem(`s3://${BUCKET}/x`, { credentials: credentials() })).not.toBe(fs);
  });

  it("writes, reads and checks objects", async () => {
    await fs.write(`s3://${BUCKET}/rt/a.txt`, "héllo");
    await fs.write(`s3://${BUCKET}/rt/b.bin`, new Uint8Array([0, 255]));
    expect(text(await fs.read(`s3://${BUCKET}/rt/a.txt`))).toBe("héllo");
    expect([...(await fs.read(`s3://${BUCKET}/rt/b.bin`))]).toEqual([0, 255]);
    expect(await fs.exists(`s3://${BUCKET}/rt/a.txt`)).toBe(true);
    expect(await fs.exists(`s3://${BUCKET}/rt`)).toBe(true); // a prefix with objects under it
    expect(await fs.exists(`s3://${BUCKET}/rt/zzz.txt`)).toBe(false);
    await fs.write(`s3://${BUCKET}/rt/a.txt`, "replaced");
    expect(text(await fs.read(`s3://${BUCKET}/rt/a.txt`))).toBe("replaced");
  });

  it("reports a missing object as KILN_IO_NOT_FOUND naming bucket and key", async () => {
    await expect(fs.read(`s3://${BUCKET}/rt/missing.csv`)).rejects.toMatchObject({
      code: "KILN_IO_NOT_FOUND",
      message: expect.stringContaining(`s3://${BUCKET}/rt/missing.csv`),
    });
  });

  it("lists and walks across pages (2 keys a page)", async () => {
    for (const name of ["a", "b", "c", "d", "e", "f", "g"])
      await fs.write(`s3://${BUCKET}/many/${name}.txt`, name);
    await fs.write(`s3://${BUCKET}/many/sub/x.txt`, "x");
    await fs.write(`s3://${BUCKET}/many/sub/deeper/y.txt`, "y");
    await fs.write(`s3://${BUCKET}/many-not-under/z.txt`, "z");
    const names = ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt", "g.txt", "sub"];
    expect(await fs.list(`s3://${BUCKET}/many`)).toEqual(names);
    expect(await fs.list(`s3://${BUCKET}/many/`)).toEqual(names);
    expect(await fs.list(`s3://${BUCKET}/nothing-here`)).toEqual([]);
    const walked = await fs.walk(`s3://${BUCKET}/many`);
    expect(walked).toHaveLength(9);
    expect(walked.slice(-2)).toEqual([
      `s3://${BUCKET}/many/sub/deeper/y.txt`,
      `s3://${BUCKET}/many/sub/x.txt`,
    ]);
    expect(await fs.walk(`s3://${BUCKET}/nothing-here`)).toEqual([]);
    expect((await fs.walk(`s3://${BUCKET}`)).length).toBeGreaterThanOrEqual(10);
  });

  it("removes objects; removing an absent one is fine", async () => {
    await fs.write(`s3://${BUCKET}/rm/x.txt`, "x");
    await fs.remove(`s3://${BUCKET}/rm/x.txt`);
    await fs.remove(`s3://${BUCKET}/rm/x.txt`);
    expect(await fs.exists(`s3://${BUCKET}/rm/x.txt`)).toBe(false);
  });

  it("writeExclusive uses If-None-Match: moto answers 412 when the key exists", async () => {
    const path = `s3://${BUCKET}/versions/v1/data.json`;
    expect(await fs.writeExclusive(path, "first")).toBe(true);
    expect(await fs.writeExclusive(path, "second")).toBe(false);
    expect(text(await fs.read(path))).toBe("first");
    // The server refused the conditional PUT itself (no fallback): a raw conditional PUT gets 412.
    const raw = new S3Client({
      region: "us-east-1",
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    const refused = await raw
      .send(
        new PutObjectCommand({ Bucket: BUCKET, Key: "versions/v1/data.json", Body: "x", IfNoneMatch: "*" }),
      )
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: "PreconditionFailed", $metadata: { httpStatusCode: 412 } });
    await raw.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "versions/v1/data.json" }));
    raw.destroy();
  });

  it("lets one of many concurrent writeExclusive calls win", async () => {
    const path = `s3://${BUCKET}/versions/race/data.json`;
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => fs.writeExclusive(path, `writer ${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(text(await fs.read(path))).toBe(`writer ${results.indexOf(true)}`);
  });

  it("falls back to HEAD then PUT where the server answers 501 to If-None-Match", async () => {
    // A real proxy in front of moto that refuses conditional PUTs, as some S3-compatible servers do.
    let conditionalPuts = 0;
    const proxy = createServer((req, res) => {
      if (req.method === "PUT" && req.headers["if-none-match"] !== undefined) {
        conditionalPuts++;
        req.resume();
        res.writeHead(501, { "content-type": "application/xml" });
        res.end(
          "<Error><Code>NotImplemented</Code><Message>If-None-Match is not implemented</Message></Error>",
        );
        return;
      }
      const upstream = request(
        `${moto.endpoint}${req.url}`,
        { method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const viaProxy = await getFileSystem(`s3://${BUCKET}/x`, {
        credentials: { key: "testing", secret: CANARY, endpoint_url: endpoint },
      });
      const path = `s3://${BUCKET}/fallback/v1/data.json`;
      expect(await viaProxy.writeExclusive(path, "first")).toBe(true);
      expect(await viaProxy.writeExclusive(path, "second")).toBe(false);
      expect(await viaProxy.writeExclusive(`s3://${BUCKET}/fallback/v2/data.json`, "other")).toBe(true);
      expect(text(await viaProxy.read(path))).toBe("first");
      expect(conditionalPuts).toBe(1); // learnt once, then HEAD + PUT
      (viaProxy as S3FileSystem).destroy();
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("keeps the SDK's NodeVersionSupportWarning out of stderr, and only that warning", () => {
    // Fresh processes: the SDK warns at most once per process, so this one may have warned already.
    const env = { ...process.env };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const fixture = join(new URL(".", import.meta.url).pathname, "__fixtures__/s3-quiet.mjs");
    const quiet = spawnSync(process.execPath, ["--import", "tsx", fixture, moto.endpoint, BUCKET], {
      encoding: "utf8",
      env,
    });
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(JSON.parse(quiet.stdout)).toEqual({ text: "quiet", optOut: null });
    expect(quiet.stderr).toContain("kiln-test: an unrelated warning still shows");
    expect(quiet.stderr).not.toContain("NodeVersionSupportWarning");
    // The same SDK without Kiln's S3FileSystem does print it where it applies (Node < 22).
    const bare = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        "const { S3Client } = await import('@aws-sdk/client-s3'); new S3Client({ region: 'us-east-1' });",
      ],
      { encoding: "utf8", env },
    );
    expect(bare.status, bare.stderr).toBe(0);
    const warns = Number(process.versions.node.split(".")[0]) < 22;
    expect(bare.stderr.includes("NodeVersionSupportWarning")).toBe(warns);
  });

  it("refuses paths without a bucket or an object key", async () => {
    await expect(fs.read("s3://")).rejects.toMatchObject({ code: "KILN_IO_INVALID_PATH" });
    await expect(fs.read(`s3://${BUCKET}/folder/`)).rejects.toMatchObject({ code: "KILN_IO_INVALID_PATH" });
    await expect(fs.read("https://example.com/x")).rejects.toMatchObject({ code: "KILN_IO_INVALID_PATH" });
  });

  it("wraps other errors as KILN_IO_S3 with bucket and key, never showing the secret", async () => {
    const error = await fs.read("s3://no-such-bucket-kiln/a/b.csv").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IoError);
    expect(error).toMatchObject({ code: "KILN_IO_S3", hint: expect.stringContaining("does not exist") });
    expect((error as IoError).message).toContain("s3://no-such-bucket-kiln/a/b.csv");
    expect((error as IoError).cause).toBeDefined();
    expect(everything(error)).not.toContain(CANARY);
  });

  it("reports an unreachable endpoint without showing the secret", async () => {
    const dead = await getFileSystem(`s3://${BUCKET}/x`, {
      credentials: { key: "testing", secret: CANARY, endpoint_url: "http://127.0.0.1:1" },
      fsArgs: { max_attempts: 1 },
    });
    const error = await dead.read(`s3://${BUCKET}/a.csv`).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "KILN_IO_S3",
      message: expect.stringContaining(`s3://${BUCKET}/a.csv`),
      hint: expect.stringContaining("endpoint_url"),
    });
    expect(everything(error)).not.toContain(CANARY);
  });

  it("reports wrong credentials without showing the secret", async () => {
    // A second moto that checks credentials: every key is unknown to it.
    const strict = await startMoto({ INITIAL_NO_AUTH_ACTION_COUNT: "0" });
    try {
      const wrong = await getFileSystem(`s3://${BUCKET}/x`, {
        credentials: {
          key: "AKIAWRONGKEY",
          secret: CANARY,
          token: `${CANARY}-token`,
          endpoint_url: strict.endpoint,
        },
      });
      const error = await wrong.read(`s3://${BUCKET}/a.csv`).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "KILN_IO_S3", hint: expect.stringContaining("credentials") });
      expect((error as IoError).message).toMatch(/HTTP 403/);
      expect(everything(error)).not.toContain(CANARY);
      expect(everything(error)).not.toContain("AKIAWRONGKEY"); // the SDK keeps the signed request in a hidden field
    } finally {
      await strict.stop();
    }
  }, 60_000);
});
