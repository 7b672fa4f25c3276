import { describe, expect, it } from "vitest";
import { shortHash } from "./hash.js";

describe("shortHash()", () => {
  it("is 32-bit FNV-1a as 8 lowercase hex digits", () => {
    // Published FNV-1a test vectors.
    expect(shortHash("")).toBe("811c9dc5");
    expect(shortHash("a")).toBe("e40c292c");
    expect(shortHash("foobar")).toBe("bf9cf968");
  });

  it("pads short hashes to 8 digits and differs for near inputs", () => {
    for (const text of ["x", "split(a,b)->(c)", "split(a,c)->(b)", "é"]) {
      expect(shortHash(text)).toMatch(/^[0-9a-f]{8}$/);
    }
    expect(shortHash("split(a,b)->(c)")).not.toBe(shortHash("split(a,c)->(b)"));
  });
});
