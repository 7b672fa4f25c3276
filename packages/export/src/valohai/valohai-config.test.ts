import { node, parseRuntimeParams, pipeline } from "kiln";
import { describe, expect, it } from "vitest";
import { checkValohai } from "../__fixtures__/valohai-rules.js";
import { parameterArgs } from "../__fixtures__/valohai-run.js";
import type { DatasetInfo } from "../plan/datasets.js";
import type { ExportPlan } from "../plan/export-plan.js";
import { planUnits } from "../plan/units.js";
import { valohaiConfig } from "./valohai-config.js";

type Obj = Record<string, any>;
const id = (x: unknown) => x;

function planOf(
  pipe: ReturnType<typeof pipeline>,
  datasets: Record<string, Omit<DatasetInfo, "name">>,
  parameters: Record<string, unknown> = {},
): ExportPlan {
  const { units, crossings } = planUnits(pipe, "none", "p");
  return {
    projectName: "demo",
    projectRoot: "/nowhere",
    pipelineName: "p",
    pipeline: pipe,
    groupBy: "none",
    units,
    crossings,
    datasets: new Map(Object.entries(datasets).map(([name, info]) => [name, { name, ...info }])),
    parameters,
    schemas: [],
  };
}

describe("valohaiConfig", () => {
  it("passes every parameter so that kiln run --params reads back the same values", () => {
    const parameters = {
      opts: {
        code: "007",
        csv: "a,b",
        on: true,
        off: false,
        n: 3,
        f: 0.5,
        list: ["x,y", "z"],
        deep: { k: 1 },
      },
    };
    const pipe = pipeline([node({ func: id, inputs: "params:opts", outputs: "out", name: "use" })]);
    const { config } = valohaiConfig(planOf(pipe, { out: { kind: "shared", entry: {} } }, parameters), {
      image: "img",
    });
    expect(checkValohai(config)).toEqual([]);
    const step = config[0]!.step as Obj;
    expect(step.parameters.map((p: Obj) => [p.name, p.type])).toEqual([
      ["opts.code", "string"],
      ["opts.csv", "string"],
      ["opts.deep.k", "integer"],
      ["opts.f", "float"],
      ["opts.list", "string"],
      ["opts.n", "integer"],
      ["opts.off", "flag"],
      ["opts.on", "flag"],
    ]);
    // Valohai builds one argument per parameter; kiln run joins repeated --params with commas.
    const args = parameterArgs(step);
    expect(args.every((a) => a.startsWith("--params="))).toBe(true);
    const joined = args.map((a) => a.slice("--params=".length)).join(",");
    expect(parseRuntimeParams(joined)).toEqual(parameters);
    // A value changed in Valohai's UI arrives typed.
    const changed = parameterArgs(step, { "opts.code": "12", "opts.on": false, "opts.n": 5 });
    expect(parseRuntimeParams(changed.map((a) => a.slice(9)).join(",")).opts).toMatchObject({
      code: "12",
      on: false,
      n: 5,
    });
  });

  it("orders steps that share only remote data with a marker file and an edge", () => {
    const pipe = pipeline([
      node({ func: id, inputs: "raw", outputs: "table", name: "write" }),
      node({ func: id, inputs: "table", outputs: "report", name: "read" }),
    ]);
    const plan = planOf(pipe, {
      raw: {
        kind: "local-file",
        entry: { type: "json.JSONDataset", filepath: "data/raw.json" },
        localPath: "data/raw.json",
      },
      table: { kind: "shared", entry: { type: "sql.SQLTableDataset", table_name: "t" } },
      report: {
        kind: "local-file",
        entry: { type: "text.TextDataset", filepath: "out/report.txt" },
        localPath: "out/report.txt",
      },
    });
    const { config, catalog } = valohaiConfig(plan, { image: "img" });
    expect(checkValohai(config)).toEqual([]);
    const [write, read, pipelineItem] = config as Obj[];
    expect(write!.step.outputs).toEqual([{ name: "kiln-done-write", description: "marks the step done" }]);
    expect(write!.step.command.at(-1)).toBe("echo done > /valohai/outputs/kiln-done-write");
    expect(read!.step.inputs.map((i: Obj) => i.name)).toEqual(["kiln-done-write"]);
    expect(pipelineItem!.pipeline.edges).toEqual([
      { source: "write.output.kiln-done-write", target: "read.input.kiln-done-write" },
    ]);
    // Only local files are redirected; the SQL table stays where it is.
    expect(Object.keys(catalog)).toEqual(["raw", "report"]);
    expect(catalog.report).toEqual({ type: "text.TextDataset", filepath: ".valohai-io/report/report.txt" });
  });
});
