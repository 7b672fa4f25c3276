import { describe, expect, it } from "vitest";
import { importOptional } from "./optional-package.js";

describe("importOptional", () => {
  it("loads an installed package", async () => {
    const sdk = await importOptional<{ S3Client: unknown }>("@aws-sdk/client-s3", "S3");
    expect(typeof sdk.S3Client).toBe("function");
  });

  it("names the install command when the package is missing", async () => {
    await expect(importOptional("kiln-test-not-installed", "Reading x:// paths")).rejects.toMatchObject({
      code: "KILN_IO_MISSING_PACKAGE",
      message: expect.stringContaining('Reading x:// paths needs the package "kiln-test-not-installed"'),
      hint: "Run: npm install kiln-test-not-installed",
    });
  });
});
