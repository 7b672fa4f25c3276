import { describe, expect, it } from "vitest";
import { getFileSystem } from "./get-file-system.js";
import { HttpFileSystem } from "./http-file-system.js";
import { LocalFileSystem } from "./local-file-system.js";
import { redactUrl } from "./redact.js";

describe("getFileSystem", () => {
  it("chooses by protocol", async () => {
    expect(await getFileSystem("data/01_raw/x.csv")).toBeInstanceOf(LocalFileSystem);
    expect(await getFileSystem("file:///tmp/x.csv")).toBeInstanceOf(LocalFileSystem);
    const https = await getFileSystem("https://example.com/x.csv");
    expect(https).toBeInstanceOf(HttpFileSystem);
    expect(https.protocol).toBe("https");
    expect((await getFileSystem("http://example.com/x.csv")).protocol).toBe("http");
  });

  it("shares one instance per protocol and options, whatever the key order", async () => {
    const a = await getFileSystem("https://a.example/x", {
      fsArgs: { timeout: 10, headers: { A: "1", B: "2" } },
    });
    const b = await getFileSystem("https://b.example/y", {
      fsArgs: { headers: { B: "2", A: "1" }, timeout: 10 },
    });
    const c = await getFileSystem("https://b.example/y", { fsArgs: { timeout: 11 } });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(await getFileSystem("http://a.example/x", { fsArgs: { timeout: 10 } })).not.toBe(a);
  });

  it("rejects unknown protocols and does not cache failures", async () => {
    await expect(getFileSystem("ftp://host/x")).rejects.toMatchObject({ code: "KILN_IO_UNKNOWN_PROTOCOL" });
    await expect(getFileSystem("https://x", { fsArgs: { timeout: "soon" } })).rejects.toMatchObject({
      code: "KILN_IO_BAD_OPTION",
    });
    await expect(getFileSystem("https://x", { fsArgs: { timeout: "soon" } })).rejects.toMatchObject({
      code: "KILN_IO_BAD_OPTION",
    });
  });
});

describe("redactUrl", () => {
  it("hides user, password and query values", () => {
    expect(redactUrl("https://me:pw@host.example/a?sig=abc&x=1")).toBe(
      "https://***:***@host.example/a?sig=***&x=***",
    );
    expect(redactUrl("not a url")).toBe("not a url");
  });
});
