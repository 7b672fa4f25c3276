import { describe, expect, it } from "vitest";
import { isParameter, stripTranscoding, transcodeParts, validateDatasetName } from "./names.js";

describe("dataset name helpers", () => {
  it("stripTranscoding() drops the format", () => {
    expect(stripTranscoding("companies@pandas")).toBe("companies");
    expect(stripTranscoding("companies")).toBe("companies");
  });

  it("transcodeParts() splits name and format", () => {
    expect(transcodeParts("companies@pandas")).toEqual(["companies", "pandas"]);
    expect(transcodeParts("companies")).toEqual(["companies", ""]);
  });

  it("isParameter() recognises `parameters` and `params:` names only", () => {
    expect(isParameter("parameters")).toBe(true);
    expect(isParameter("params:a.b")).toBe(true);
    expect(isParameter("params")).toBe(false);
    expect(isParameter("my_parameters")).toBe(false);
    expect(isParameter("x.params:a")).toBe(false);
  });

  it("validateDatasetName() names where the bad name was found", () => {
    expect(() => validateDatasetName("a b", "pipeline()")).toThrow(
      'pipeline(): dataset name "a b" contains whitespace or a comma.',
    );
    expect(() => validateDatasetName("params:x.y", "here")).not.toThrow();
  });
});
