import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "./dataset-types.js";
import { JSONDataset } from "./datasets/json-dataset.js";

describe("DatasetTypeRegistry", () => {
  it("KILN_CATALOG_TYPE_EXISTS: refuses a name or alias taken, saying by whom", () => {
    const registry = createDefaultRegistry();
    registry.register("acme.CSVDataset", JSONDataset, { source: 'plugin "kiln-acme"' });
    expect(() => registry.register("json.JSONDataset", JSONDataset, { source: "settings" })).toThrow(
      expect.objectContaining({
        code: "KILN_CATALOG_TYPE_EXISTS",
        message: 'Dataset type "json.JSONDataset" (from settings) is already registered (built-in).',
        hint: expect.stringContaining("name of its own"),
      }),
    );
    expect(() => registry.register("pickle.PickleDataset", JSONDataset)).toThrow(
      expect.objectContaining({
        code: "KILN_CATALOG_TYPE_EXISTS",
        message: expect.stringContaining(
          "is already registered (built-in, an alias of object.ObjectDataset)",
        ),
      }),
    );
    expect(() => registry.register("acme.CSVDataset", JSONDataset, { source: "settings" })).toThrow(
      expect.objectContaining({
        message: expect.stringContaining('already registered (plugin "kiln-acme")'),
      }),
    );
  });
});
