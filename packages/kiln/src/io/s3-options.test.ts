import { describe, expect, it } from "vitest";
import { s3Settings } from "./s3-options.js";

describe("s3Settings", () => {
  it("maps Kedro credentials to the SDK's client settings", () => {
    const settings = s3Settings({
      credentials: {
        key: "AKID",
        secret: "shh-secret",
        token: "tok-en",
        endpoint_url: "http://127.0.0.1:9000",
      },
    });
    expect(settings.client).toEqual({
      region: "us-east-1",
      endpoint: "http://127.0.0.1:9000",
      forcePathStyle: true,
      credentials: { accessKeyId: "AKID", secretAccessKey: "shh-secret", sessionToken: "tok-en" },
    });
    expect(settings.secrets).toEqual(["shh-secret", "tok-en", "AKID"]);
    expect(settings.listPageSize).toBe(1000);
  });

  it("reads fsspec's client_kwargs and leaves credentials to the AWS chain when none are given", () => {
    const settings = s3Settings({
      credentials: { region: "eu-west-3" },
      fsArgs: { client_kwargs: { endpoint_url: "http://minio:9000" }, list_page_size: 5 },
    });
    expect(settings.client).toEqual({
      region: "eu-west-3",
      endpoint: "http://minio:9000",
      forcePathStyle: true,
    });
    expect(settings.listPageSize).toBe(5);
    expect(s3Settings().client).toEqual({ region: "us-east-1" });
  });

  it("refuses half credentials and bad page sizes without echoing secrets", () => {
    expect(() => s3Settings({ credentials: { secret: "canary-xyz" } })).toThrow(
      expect.objectContaining({
        code: "KILN_IO_BAD_OPTION",
        message: expect.not.stringContaining("canary-xyz"),
      }),
    );
    expect(() => s3Settings({ fsArgs: { list_page_size: 0 } })).toThrow(
      expect.objectContaining({ code: "KILN_IO_BAD_OPTION" }),
    );
  });
});
