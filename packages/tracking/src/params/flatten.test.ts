import { describe, expect, it } from "vitest";
import { flattenParams, limitLength } from "./flatten.js";

const params = {
  model_options: { test_size: 0.2, features: ["engines", "crew"], deep: { a: { b: 1 } } },
  seed: 7,
  name: "run",
  flag: true,
  nothing: null,
  empty: {},
};

describe("flattenParams", () => {
  it("joins nested keys with the separator, keeps lists as JSON, sorts by key", () => {
    expect(flattenParams(params, { flatten: true, separator: ".", maxDepth: null })).toEqual([
      ["empty", "{}"],
      ["flag", "true"],
      ["model_options.deep.a.b", "1"],
      ["model_options.features", '["engines","crew"]'],
      ["model_options.test_size", "0.2"],
      ["name", "run"],
      ["nothing", "null"],
      ["seed", "7"],
    ]);
  });

  it("stops at max_depth, storing what is deeper as JSON, and takes another separator", () => {
    expect(
      flattenParams({ model_options: params.model_options }, { flatten: true, separator: "/", maxDepth: 1 }),
    ).toEqual([
      ["model_options/deep", '{"a":{"b":1}}'],
      ["model_options/features", '["engines","crew"]'],
      ["model_options/test_size", "0.2"],
    ]);
  });

  it("keeps one key per top-level parameter when flatten is off", () => {
    expect(flattenParams({ a: { b: 1 }, c: 2 }, { flatten: false, separator: ".", maxDepth: null })).toEqual([
      ["a", '{"b":1}'],
      ["c", "2"],
    ]);
  });
});

describe("limitLength", () => {
  const long = "x".repeat(40);
  it("truncates with a warning naming the key and both lengths", () => {
    const warnings: string[] = [];
    expect(
      limitLength(
        "parameter",
        "blob",
        long,
        { longValues: "truncate", maxLength: 16 },
        (m) => void warnings.push(m),
      ),
    ).toBe("x".repeat(16));
    expect(warnings).toEqual([
      'The parameter "blob" is 40 characters long; tracking keeps its first 16 (params.max_length, params.long_values: truncate).',
    ]);
  });

  it("fails with long_values: fail, and leaves short values alone", () => {
    expect(() =>
      limitLength("tag", "kiln.command", long, { longValues: "fail", maxLength: 16 }, () => {}),
    ).toThrow(
      expect.objectContaining({
        code: "KILN_TRACKING_VALUE_TOO_LONG",
        message:
          'The tag "kiln.command" is 40 characters long; tracking keeps at most 16 (params.max_length).',
      }),
    );
    expect(limitLength("tag", "k", "short", { longValues: "fail", maxLength: 16 }, () => {})).toBe("short");
  });
});
