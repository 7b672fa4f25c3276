import { describe, expect, it } from "vitest";
import { ScoringRequestError } from "../errors.js";
import type { ModelSignature } from "../model-types.js";
import { LINEAR_SIGNATURE } from "../testing/linear-model.js";
import { parseInvocation } from "./parse-invocation.js";

const JSON_TYPE = "application/json";
const body = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value));
const parse = (value: unknown, type = JSON_TYPE, signature: ModelSignature | null = LINEAR_SIGNATURE) =>
  parseInvocation(body(value), type, signature);

function failure(run: () => unknown): ScoringRequestError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ScoringRequestError);
    return error as ScoringRequestError;
  }
  throw new Error("expected a ScoringRequestError");
}

const typeName = (t: unknown) => String(t).replace(/^DataType\((.*)\)$/, "$1");
const ROW = { engines: 2, passenger_capacity: 100, crew: 4 };

describe("parseInvocation: the four JSON layouts give the same DataFrame", () => {
  const expected = [{ engines: 2, passenger_capacity: 100, crew: 4 }];
  it.each([
    [
      "dataframe_split",
      { dataframe_split: { columns: ["engines", "passenger_capacity", "crew"], data: [[2, 100, 4]] } },
    ],
    [
      "dataframe_split with index",
      {
        dataframe_split: {
          index: [7],
          columns: ["engines", "passenger_capacity", "crew"],
          data: [[2, 100, 4]],
        },
      },
    ],
    ["dataframe_records", { dataframe_records: [ROW] }],
    ["instances (rows)", { instances: [ROW] }],
    ["instances (plain rows, signature order)", { instances: [[2, 100, 4, null]] }],
    ["inputs (columns)", { inputs: { engines: [2], passenger_capacity: [100], crew: [4] } }],
    ["inputs (one row of scalars)", { inputs: ROW }],
  ])("%s", (_name, request) => {
    const { input, params } = parse(request);
    expect(input.toRecords()).toEqual(
      expected.map((r) => (_name.includes("plain") ? { ...r, company_location: null } : r)),
    );
    expect(params).toBeUndefined();
  });

  it("casts to the signature's types, orders columns as the signature, drops unknown ones", () => {
    const { input } = parse({
      dataframe_records: [{ extra: "x", crew: "3", passenger_capacity: "100", engines: 1 }],
    });
    expect(input.columns).toEqual(["engines", "passenger_capacity", "crew"]);
    expect(typeName(input.schema.engines)).toBe("Float64");
    expect(typeName(input.schema.passenger_capacity)).toBe("Int64");
    expect(input.toRecords()).toEqual([{ engines: 1, passenger_capacity: 100, crew: 3 }]);
  });

  it("fills a missing key of a record with null", () => {
    const { input } = parse({ dataframe_records: [ROW, { engines: 1, passenger_capacity: 2 }] });
    expect(input.getColumn("crew").toArray()).toEqual([4, null]);
  });

  it("accepts charset=utf-8 and reads an empty list as zero rows", () => {
    const { input } = parse({ dataframe_records: [] }, "application/json; charset=UTF-8");
    expect(input.height).toBe(0);
  });

  it("without a signature, infers types and keeps every column", () => {
    const { input } = parse({ dataframe_split: { data: [[1, 2.5, "a", true]] } }, JSON_TYPE, null);
    expect(input.columns).toEqual(["0", "1", "2", "3"]);
    expect(Object.values(input.schema).map(typeName)).toEqual(["Int64", "Float64", "String", "Bool"]);
  });
});

describe("parseInvocation: CSV", () => {
  it("reads a header and rows, typed by the signature", () => {
    const { input, params } = parse("engines,passenger_capacity,crew\r\n2,100,4\n1.5,20,\n", "text/csv");
    expect(input.toRecords()).toEqual([
      { engines: 2, passenger_capacity: 100, crew: 4 },
      { engines: 1.5, passenger_capacity: 20, crew: null },
    ]);
    expect(params).toBeUndefined();
  });

  it('reads quoted fields with commas, newlines and ""', () => {
    const { input } = parse('a,b\n"x, ""y""\nz",2\n', "text/csv; charset=utf-8", null);
    expect(input.toRecords()).toEqual([{ a: 'x, "y"\nz', b: 2 }]);
  });

  it.each([
    ["a,b\n1,2,3\n", /line 2 has 3 fields/],
    ['a\n"open\n', /line 2 opens a quoted field/],
    ["", /empty/],
  ])("rejects %j", (csv, message) => {
    const error = failure(() => parse(csv, "text/csv", null));
    expect(error.code).toBe("KILN_SERVE_BAD_CSV");
    expect(error.message).toMatch(message);
  });
});

describe("parseInvocation: params (overridable per request when declared)", () => {
  it("passes declared params on, converted", () => {
    expect(parse({ dataframe_records: [ROW], params: { scale: 2, delay_ms: null } }).params).toEqual({
      scale: 2,
    });
  });

  it("rejects an unknown param with the declared ones", () => {
    const error = failure(() => parse({ dataframe_records: [ROW], params: { scal: 2 } }));
    expect(error.code).toBe("KILN_SERVE_UNKNOWN_PARAM");
    expect(error.clientMessage()).toContain('Did you mean "scale" for "scal"?');
  });

  it("rejects a param of the wrong type", () => {
    const error = failure(() => parse({ dataframe_records: [ROW], params: { scale: "big" } }));
    expect(error.code).toBe("KILN_SERVE_BAD_PARAM");
    expect(error.message).toContain('"scale" must be double');
    expect(error.message).toContain('"big"');
  });

  it("rejects params that are not an object, and any param for a model that declares none", () => {
    expect(failure(() => parse({ dataframe_records: [ROW], params: [1] })).code).toBe("KILN_SERVE_BAD_PARAM");
    const none = { ...LINEAR_SIGNATURE, params: null };
    expect(
      failure(() => parse({ dataframe_records: [ROW], params: { scale: 1 } }, JSON_TYPE, none)).code,
    ).toBe("KILN_SERVE_UNKNOWN_PARAM");
  });
});

describe("parseInvocation: errors say what is wrong and where", () => {
  it("415 for another content type, a charset other than UTF-8, an unknown parameter or none", () => {
    for (const type of [
      "text/plain",
      "application/json; charset=latin-1",
      "application/json; format=pandas-split",
      undefined,
    ]) {
      const error = failure(() =>
        parseInvocation(body({ dataframe_records: [ROW] }), type, LINEAR_SIGNATURE),
      );
      expect(error.status).toBe(415);
      expect(error.code).toBe("KILN_SERVE_UNSUPPORTED_MEDIA_TYPE");
    }
  });

  it("400 for invalid JSON, with line, column and position", () => {
    const error = failure(() => parse('{"dataframe_records": [\n  {"engines": 1,}\n]}'));
    expect(error.status).toBe(400);
    expect(error.errorCode).toBe("BAD_REQUEST");
    expect(error.code).toBe("KILN_SERVE_BAD_JSON");
    expect(error.message).toMatch(/line 2, column 17 \(position 40\)/);
  });

  it("400 for a body that is not UTF-8", () => {
    const error = failure(() =>
      parseInvocation(Buffer.from([0x7b, 0xff, 0x7d]), JSON_TYPE, LINEAR_SIGNATURE),
    );
    expect(error.code).toBe("KILN_SERVE_BAD_ENCODING");
    expect(error.message).toContain("offset 1");
  });

  it.each([
    [
      "two layouts",
      { dataframe_records: [ROW], instances: [ROW] },
      "KILN_SERVE_BAD_FORMAT",
      /exactly one of/,
    ],
    ["no layout", { params: {} }, "KILN_SERVE_BAD_FORMAT", /exactly one of/],
    ["a misspelt key", { dataframe_record: [ROW] }, "KILN_SERVE_BAD_FORMAT", /"dataframe_record"/],
    ["a list body", [ROW], "KILN_SERVE_BAD_FORMAT", /got a list/],
    [
      "split without data",
      { dataframe_split: { columns: ["engines"] } },
      "KILN_SERVE_BAD_SHAPE",
      /must have "data"/,
    ],
    ["split as a list", { dataframe_split: [[1]] }, "KILN_SERVE_BAD_SHAPE", /must be an object/],
    [
      "a short split row",
      { dataframe_split: { columns: ["engines", "passenger_capacity"], data: [[1]] } },
      "KILN_SERVE_BAD_SHAPE",
      /data\[0\] has 1 values but there are 2 columns/,
    ],
    ["records as an object", { dataframe_records: ROW }, "KILN_SERVE_BAD_SHAPE", /must be a list of records/],
    [
      "uneven inputs",
      { inputs: { engines: [1, 2], passenger_capacity: [1] } },
      "KILN_SERVE_BAD_SHAPE",
      /differ in length/,
    ],
    ["inputs as records", { inputs: [ROW] }, "KILN_SERVE_BAD_SHAPE", /not a list of records/],
    [
      "plain instances for a many-column model",
      { instances: [1, 2] },
      "KILN_SERVE_BAD_SHAPE",
      /takes 4 columns/,
    ],
  ])("400 for %s", (_name, request, code, message) => {
    const error = failure(() => parse(request));
    expect(error.status).toBe(400);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it("400 for a missing required column, naming it and its type, with a guess", () => {
    const error = failure(() => parse({ dataframe_records: [{ engine: 1, passenger_capacity: 2 }] }));
    expect(error.code).toBe("KILN_SERVE_MISSING_COLUMN");
    expect(error.message).toContain('"engines" (double)');
    expect(error.hint).toContain('"engine" for "engines"');
  });

  it("400 for a value that cannot be converted: column, expected type, offending value", () => {
    const error = failure(() =>
      parse({
        dataframe_records: [
          ROW,
          { ...ROW, engines: "two" },
          { ...ROW, engines: "x", passenger_capacity: 1.5 },
        ],
      }),
    );
    expect(error.code).toBe("KILN_SERVE_BAD_COLUMN_TYPE");
    expect(error.message).toContain('column "engines" must hold double values');
    expect(error.message).toContain('row 1 has "two" (string) (and 1 more row)');
    expect(error.message).toContain('column "passenger_capacity" must hold long values');
    expect(error.message).toContain("row 2 has 1.5");
  });

  it("400 for a column of mixed kinds without a signature", () => {
    const error = failure(() => parse({ inputs: { a: [1, "x"] } }, JSON_TYPE, null));
    expect(error.code).toBe("KILN_SERVE_BAD_COLUMN_TYPE");
  });
});

describe("parseInvocation: odd column names", () => {
  it('keeps a column called "__proto__" as a column', () => {
    const { input } = parse('{"dataframe_records": [{"__proto__": 1, "constructor": 2}]}', JSON_TYPE, null);
    expect(input.columns).toEqual(["__proto__", "constructor"]);
    expect(input.getColumn("__proto__").toArray()).toEqual([1]);
  });
});
