import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MLmodelFile } from "../mlmodel-types.js";
import { readModelFolder } from "../model-folder.js";
import { formatMLmodel, mlflowTime, pythonJson, signatureForFile } from "./mlmodel-file.js";

const metadata = (extra: Partial<MLmodelFile> = {}): MLmodelFile => ({
  artifact_path: "model",
  flavors: {
    kiln: {
      kiln_version: "0.1.0",
      code: "code/inference.mjs",
      input_name: "features",
      output_name: "predictions",
      node_version: "v20.0.0",
    },
  },
  model_uuid: "0123456789abcdef0123456789abcdef",
  run_id: "2026-01-02T03.04.05.678Z",
  utc_time_created: mlflowTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))),
  ...extra,
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-mlmodel-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the MLmodel file", () => {
  it("writes JSON as Python's json.dumps and times as MLflow does", () => {
    expect(pythonJson([{ type: "long", name: "x", required: true }])).toBe(
      '[{"type": "long", "name": "x", "required": true}]',
    );
    expect(pythonJson({ a: Number.NaN, b: [Number.POSITIVE_INFINITY] })).toBe('{"a": NaN, "b": [Infinity]}');
    expect(mlflowTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe("2026-01-02 03:04:05.678000");
  });

  it("is YAML with sorted keys and a quoted time, and reads back with its signature and example", async () => {
    const signature = signatureForFile({
      inputs: [{ type: "double", name: "x", required: true }],
      outputs: [{ type: "double", required: true }],
      params: [{ name: "alpha", type: "double", default: Number.NaN, shape: null }],
    });
    const text = formatMLmodel(
      metadata({
        signature,
        saved_input_example_info: {
          artifact_path: "input_example.json",
          type: "dataframe",
          pandas_orient: "split",
        },
      }),
    );
    expect(
      text
        .split("\n")
        .filter((l) => /^\S/.test(l))
        .map((l) => l.split(":")[0]),
    ).toEqual([
      "artifact_path",
      "flavors",
      "model_uuid",
      "run_id",
      "saved_input_example_info",
      "signature",
      "utc_time_created",
    ]);
    expect(text).toContain("utc_time_created: '2026-01-02 03:04:05.678000'");
    const folder = join(dir, "ok");
    await mkdir(folder);
    await writeFile(join(folder, "MLmodel"), text);
    await writeFile(join(folder, "input_example.json"), '{"columns": ["x"], "data": [[1.5]]}');
    const read = await readModelFolder(folder);
    expect(read.metadata.flavors.kiln.input_name).toBe("features");
    expect(read.signature?.inputs).toEqual([{ type: "double", name: "x", required: true }]);
    expect(read.signature?.params?.[0]?.default).toBeNaN();
    expect(read.inputExample).toEqual({ columns: ["x"], data: [[1.5]] });
  });

  it("KILN_MODEL_BAD_FOLDER: no MLmodel, or an MLflow model of another flavour", async () => {
    await expect(readModelFolder(join(dir, "nothing"))).rejects.toMatchObject({
      code: "KILN_MODEL_BAD_FOLDER",
      message: expect.stringContaining("it has no MLmodel file"),
    });
    const sklearn = join(dir, "sklearn");
    await mkdir(sklearn);
    await writeFile(
      join(sklearn, "MLmodel"),
      "artifact_path: model\nflavors:\n  sklearn: {}\n  python_function: {}\n",
    );
    await expect(readModelFolder(sklearn)).rejects.toMatchObject({
      code: "KILN_MODEL_BAD_FOLDER",
      message: expect.stringContaining("has no kiln flavour (it has sklearn, python_function)"),
    });
  });
});
