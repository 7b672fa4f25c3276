import { describe, expect, it } from "vitest";
import { IoError } from "../errors/index.js";
import { hasProtocol, joinPath, splitProtocol } from "./paths.js";

describe("splitProtocol", () => {
  it("treats plain paths and file:// URLs as local", () => {
    expect(splitProtocol("data/01_raw/x.csv")).toEqual({ protocol: "file", path: "data/01_raw/x.csv" });
    expect(splitProtocol("/tmp/x.csv")).toEqual({ protocol: "file", path: "/tmp/x.csv" });
    expect(splitProtocol("file:///tmp/a%20b.csv")).toEqual({ protocol: "file", path: "/tmp/a b.csv" });
    expect(hasProtocol("C:\\data\\x.csv")).toBe(false);
  });

  it("keeps whole URLs for http(s) and strips s3://", () => {
    expect(splitProtocol("https://example.com/x.csv?a=1")).toEqual({
      protocol: "https",
      path: "https://example.com/x.csv?a=1",
    });
    expect(splitProtocol("HTTP://example.com/x")).toMatchObject({ protocol: "http" });
    expect(splitProtocol("s3://bucket/data/x.csv")).toEqual({ protocol: "s3", path: "bucket/data/x.csv" });
  });

  it("refuses unknown protocols, listing the supported ones", () => {
    const error = (() => {
      try {
        splitProtocol("gcs://bucket/x");
      } catch (e) {
        return e as IoError;
      }
    })();
    expect(error).toBeInstanceOf(IoError);
    expect(error?.code).toBe("KILN_IO_UNKNOWN_PROTOCOL");
    expect(error?.message).toContain("gcs://");
    expect(error?.hint).toContain('"s3://"');
    expect(error?.hint).toContain('"file://"');
  });

  it("refuses file URLs with a host", () => {
    expect(() => splitProtocol("file://data/x.csv")).toThrow(
      expect.objectContaining({ code: "KILN_IO_INVALID_PATH" }),
    );
  });
});

describe("joinPath", () => {
  it("joins local paths with the platform's rules", () => {
    expect(joinPath("data", "01_raw", "x.csv")).toBe("data/01_raw/x.csv");
    expect(joinPath("/tmp/a/", "../b")).toBe("/tmp/b");
  });

  it("joins URLs with single slashes, keeping the protocol and host", () => {
    expect(joinPath("s3://bucket/data/", "/raw/", "x.csv")).toBe("s3://bucket/data/raw/x.csv");
    expect(joinPath("s3://bucket", "x.csv")).toBe("s3://bucket/x.csv");
    expect(joinPath("https://example.com/files", "a", "", "b.csv")).toBe("https://example.com/files/a/b.csv");
    expect(joinPath("file:///tmp", "x")).toBe("file:///tmp/x");
    expect(joinPath("s3://bucket/data")).toBe("s3://bucket/data");
  });
});
