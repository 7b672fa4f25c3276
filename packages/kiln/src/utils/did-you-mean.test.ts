import { describe, expect, it } from "vitest";
import { closestMatches, didYouMean } from "./did-you-mean.js";

describe("closestMatches", () => {
  it("finds typos and names that contain the input or are contained in it", () => {
    expect(closestMatches("compnies", ["companies", "shuttles"])).toEqual(["companies"]);
    expect(closestMatches("companies", ["companies_csv", "reviews"])).toEqual(["companies_csv"]);
    expect(closestMatches("raw.companies_csv", ["companies", "x"])).toEqual(["companies"]);
  });

  it("offers nothing meaningless: `_` for an unset MY_TOKEN or A_B, a total rewrite", () => {
    // Environment variable names as a shell leaves them: `_` (the last command) among them.
    const env = ["_", "HOME", "PATH", "PWD", "SHLVL", "CI"];
    expect(closestMatches("MY_API_TOKEN", env)).toEqual([]);
    expect(didYouMean("AB", env)).toBeUndefined();
    expect(didYouMean("HOEM", env)).toBe('Did you mean "HOME"?');
    expect(closestMatches("a_b", ["_"])).toEqual([]);
    expect(closestMatches("xy", ["ab", "z"])).toEqual([]);
    expect(closestMatches("a", ["aa", "b"])).toEqual(["aa"]);
  });
});
