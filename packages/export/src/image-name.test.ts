import { describe, expect, it } from "vitest";
import { checkImageName } from "./image-name.js";

describe("checkImageName", () => {
  it.each([
    "spaceflights",
    "spaceflights:1.0",
    "registry.example.com:5000/team/spaceflights:2026-12-02",
    "ghcr.io/org/sf@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "localhost/sf:latest",
  ])("accepts %s", (image) => expect(() => checkImageName(image)).not.toThrow());

  it.each([
    ["", /empty/],
    ["team/Spaceflights:1.0", /lower-case/],
    ["sf:bad tag", /whitespace/],
    ["sf::1", /not a valid image reference/],
    ["-sf", /not a valid image reference/],
    ["sf:" + "t".repeat(200), /not a valid image reference/],
  ])("refuses %j", (image, message) => {
    expect(() => checkImageName(image)).toThrow(message);
    try {
      checkImageName(image);
    } catch (error) {
      expect((error as { code: string }).code).toBe("KILN_EXPORT_BAD_IMAGE");
    }
  });
});
