import { describe, expect, it } from "vitest";
import { globToRegExp } from "./glob.js";

const matches = (pattern: string, path: string) => globToRegExp(pattern).test(path);

describe("globToRegExp", () => {
  it("keeps * and ? within one path segment", () => {
    expect(matches("catalog*", "catalog.yml")).toBe(true);
    expect(matches("catalog*", "catalog_extra.yaml")).toBe(true);
    expect(matches("catalog*", "sub/catalog.yml")).toBe(false);
    expect(matches("catalog?.yml", "catalog1.yml")).toBe(true);
    expect(matches("globals.yml", "globals.yml")).toBe(true);
    expect(matches("globals.yml", "globalsxyml")).toBe(false);
  });

  it("lets a leading **/ span any number of folders, none included", () => {
    expect(matches("**/catalog*", "catalog.yml")).toBe(true);
    expect(matches("**/catalog*", "pipelines/ds/catalog.yml")).toBe(true);
    expect(matches("**/catalog*", "pipelines/ds/my_catalog.yml")).toBe(false);
  });

  it("lets a trailing /** match everything below a folder", () => {
    expect(matches("catalog*/**", "catalog/a.yml")).toBe(true);
    expect(matches("catalog*/**", "catalog_raw/deep/b.yml")).toBe(true);
    expect(matches("catalog*/**", "other/a.yml")).toBe(false);
  });
});
