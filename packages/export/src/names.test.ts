import { describe, expect, it } from "vitest";
import { DNS_1123_LABEL, isDns1123Label, uniqueNames, VALOHAI_NAME } from "./names.js";

describe("uniqueNames", () => {
  it("makes DNS-1123 labels of node names", () => {
    const names = uniqueNames(
      ["active_modelling_pipeline.split_data_node", "Preprocess__Companies", "_x_", "..."],
      DNS_1123_LABEL,
    );
    expect(names.get("active_modelling_pipeline.split_data_node")).toBe(
      "active-modelling-pipeline-split-data-node",
    );
    expect(names.get("Preprocess__Companies")).toBe("preprocess-companies");
    expect(names.get("_x_")).toBe("x");
    expect(names.get("...")).toBe("node");
    for (const name of names.values()) expect(isDns1123Label(name)).toBe(true);
  });

  it("resolves collisions with a hash of the original name, whatever the input order", () => {
    const a = uniqueNames(["a_b", "a.b", "a-b"], DNS_1123_LABEL);
    const b = uniqueNames(["a-b", "a.b", "a_b"], DNS_1123_LABEL);
    expect([...a].sort()).toEqual([...b].sort());
    expect(new Set(a.values()).size).toBe(3);
    expect(a.get("a-b")).toBe("a-b"); // first in sorted order keeps the plain name
    expect(a.get("a.b")).toMatch(/^a-b-[0-9a-f]{8}$/);
  });

  it("cuts long names to the limit, keeping them apart by a hash", () => {
    const long1 = `${"x".repeat(70)}_one`;
    const long2 = `${"x".repeat(70)}_two`;
    const names = uniqueNames([long1, long2], DNS_1123_LABEL);
    expect(names.get(long1)!.length).toBeLessThanOrEqual(63);
    expect(names.get(long1)).not.toBe(names.get(long2));
    for (const name of names.values()) expect(isDns1123Label(name)).toBe(true);
  });

  it("keeps Valohai names readable but without dots", () => {
    const names = uniqueNames(["active_modelling_pipeline.regressor"], VALOHAI_NAME);
    expect(names.get("active_modelling_pipeline.regressor")).toBe("active_modelling_pipeline-regressor");
  });
});
