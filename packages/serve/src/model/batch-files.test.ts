import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictionsJson, readBatch, writePredictions } from "./batch-files.js";

let dir: string;
const file = async (name: string, text: string | Buffer) => {
  await writeFile(join(dir, name), text);
  return join(dir, name);
};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-batch-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readBatch", () => {
  it("reads CSV, Parquet and the JSON shapes of MLflow's scoring protocol", async () => {
    const rows = [
      { a: 1, b: "x" },
      { a: 2, b: "y" },
    ];
    const csv = await readBatch(pl, await file("in.csv", "a,b\n1,x\n2,y\n"));
    expect(csv.frame.toRecords()).toEqual(rows);
    const parquet = join(dir, "in.parquet");
    pl.DataFrame(rows).writeParquet(parquet);
    expect((await readBatch(pl, parquet)).frame.toRecords()).toEqual(rows);
    for (const body of [
      rows,
      {
        columns: ["a", "b"],
        data: [
          [1, "x"],
          [2, "y"],
        ],
      },
      {
        dataframe_split: {
          columns: ["a", "b"],
          data: [
            [1, "x"],
            [2, "y"],
          ],
        },
      },
      { dataframe_records: rows },
      { inputs: { a: [1, 2], b: ["x", "y"] } },
      { instances: rows },
    ]) {
      const batch = await readBatch(pl, await file("in.json", JSON.stringify(body)));
      expect(batch.frame.toRecords()).toEqual(rows);
    }
    const withParams = await readBatch(
      pl,
      await file("p.json", JSON.stringify({ dataframe_records: rows, params: { k: 1 } })),
    );
    expect(withParams.params).toEqual({ k: 1 });
  });

  it("KILN_MODEL_BAD_INPUT_FILE: another format, unreadable files, JSON that is no table", async () => {
    await expect(readBatch(pl, await file("in.txt", "a"))).rejects.toMatchObject({
      code: "KILN_MODEL_BAD_INPUT_FILE",
      message: `${join(dir, "in.txt")}: ".txt" is not an input format.`,
    });
    await expect(readBatch(pl, join(dir, "missing.csv"))).rejects.toMatchObject({
      code: "KILN_MODEL_BAD_INPUT_FILE",
    });
    await expect(readBatch(pl, await file("bad.json", "{"))).rejects.toMatchObject({
      code: "KILN_MODEL_BAD_INPUT_FILE",
      message: expect.stringContaining("is not JSON"),
    });
    await expect(readBatch(pl, await file("odd.json", "[1, 2]"))).rejects.toMatchObject({
      code: "KILN_MODEL_BAD_INPUT_FILE",
      message: expect.stringContaining("a JSON list must hold records"),
    });
  });
});

describe("writing predictions", () => {
  it("as the scoring server answers: frames as records, series and lists as values", () => {
    expect(predictionsJson(pl.DataFrame({ p: [1.5] }))).toEqual([{ p: 1.5 }]);
    expect(predictionsJson(pl.Series("p", [1, 2]))).toEqual([1, 2]);
    expect(predictionsJson([new Date(0), 2n, Number.NaN])).toEqual(["1970-01-01T00:00:00.000Z", 2, null]);
  });

  it("to .json, .csv or stdout; KILN_MODEL_BAD_OUTPUT_FILE for others", async () => {
    await writePredictions(pl, pl.Series("price", [1.5, 2]), join(dir, "out.json"));
    expect(JSON.parse(await readFile(join(dir, "out.json"), "utf8"))).toEqual({ predictions: [1.5, 2] });
    await writePredictions(pl, [3, 4], join(dir, "out.csv"));
    expect((await readFile(join(dir, "out.csv"), "utf8")).trim().split("\n")).toEqual([
      "prediction",
      "3.0",
      "4.0",
    ]);
    expect(await writePredictions(pl, [1], undefined)).toBe('{"predictions":[1]}\n');
    await expect(writePredictions(pl, [1], join(dir, "out.xlsx"))).rejects.toMatchObject({
      code: "KILN_MODEL_BAD_OUTPUT_FILE",
    });
  });
});
