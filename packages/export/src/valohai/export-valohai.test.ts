import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { copySpaceflights, type SpaceflightsCopy } from "../../../../test/support/spaceflights-copy.js";
import { checkValohai } from "../__fixtures__/valohai-rules.js";
import { planExport } from "../plan/export-plan.js";
import { writeGenerated } from "../write-generated.js";
import { exportValohai, valohaiFiles } from "./export-valohai.js";

type Obj = Record<string, any>;
let sf: SpaceflightsCopy;
const image = "registry.example.com/team/spaceflights:1.0";

beforeAll(async () => {
  sf = await copySpaceflights();
});
afterAll(async () => {
  await sf.remove();
});

const stepsOf = (doc: Obj[]) => new Map(doc.filter((i) => i.step).map((i) => [i.step.name, i.step as Obj]));
const pipelineOf = (doc: Obj[]) => doc.find((i) => i.pipeline)!.pipeline as Obj;

describe("kiln export valohai (spaceflights)", () => {
  it("exports __default__ grouped by namespace: valid for Valohai, with edges along the data", async () => {
    const result = await exportValohai({ projectPath: sf.root, image, groupBy: "namespace" });
    const doc = parse(result.yaml) as Obj[];
    expect(checkValohai(doc)).toEqual([]);
    const steps = stepsOf(doc);
    expect([...steps.keys()].sort()).toEqual([
      "active_modelling_pipeline",
      "candidate_modelling_pipeline",
      "compare_passenger_capacity",
      "create_confusion_matrix",
      "create_model_input_table_node",
      "preprocess_companies_node",
      "preprocess_shuttles_node",
    ]);
    const pipeline = pipelineOf(doc);
    expect(pipeline.name).toBe("spaceflights");
    const edges = (pipeline.edges as Obj[]).map((e) => `${e.source} -> ${e.target}`).sort();
    expect(edges).toEqual([
      "active_modelling_pipeline.output.active_modelling_pipeline-regressor/* -> create_confusion_matrix.input.active_modelling_pipeline-regressor",
      "create_model_input_table_node.output.model_input_table/* -> active_modelling_pipeline.input.model_input_table",
      "create_model_input_table_node.output.model_input_table/* -> candidate_modelling_pipeline.input.model_input_table",
      "create_model_input_table_node.output.model_input_table/* -> create_confusion_matrix.input.model_input_table",
      "preprocess_companies_node.output.preprocessed_companies/* -> create_model_input_table_node.input.preprocessed_companies",
      "preprocess_shuttles_node.output.preprocessed_shuttles/* -> compare_passenger_capacity.input.preprocessed_shuttles",
      "preprocess_shuttles_node.output.preprocessed_shuttles/* -> create_model_input_table_node.input.preprocessed_shuttles",
    ]);
    // Every dependency between steps is an edge, and every edge is a dependency.
    const pairs = new Set(edges.map((e) => e.replace(/\.output\.\S+ -> /, " ").replace(/\.input\..*/, "")));
    const plan = await planExport({ projectPath: sf.root, groupBy: "namespace" });
    const dependencies = plan.units.flatMap((u) =>
      u.dependsOn.map((d) => `${result.stepNames.get(d)} ${result.stepNames.get(u.id)}`),
    );
    expect([...pairs].sort()).toEqual(dependencies.sort());

    const table = steps.get("create_model_input_table_node")!;
    expect(table.image).toBe(image);
    expect(table.inputs.map((i: Obj) => i.name)).toEqual([
      "preprocessed_companies",
      "preprocessed_shuttles",
      "reviews",
    ]);
    expect(table.outputs.map((o: Obj) => o.name)).toEqual(["model_input_table"]);
    expect(table.command).toEqual([
      "[ -e node_modules ] || ln -s /app/node_modules node_modules",
      "mkdir -p .valohai-io",
      "ln -sfn /valohai/inputs/preprocessed_companies .valohai-io/preprocessed_companies",
      "ln -sfn /valohai/inputs/preprocessed_shuttles .valohai-io/preprocessed_shuttles",
      "ln -sfn /valohai/inputs/reviews .valohai-io/reviews",
      "mkdir -p /valohai/outputs/model_input_table && ln -sfn /valohai/outputs/model_input_table .valohai-io/model_input_table",
      "kiln run --pipeline __default__ --env valohai --nodes create_model_input_table_node",
    ]);
  });

  it("types parameters from the zod schema, with defaults from parameters.yml", async () => {
    const result = await exportValohai({
      projectPath: sf.root,
      pipeline: "data_science",
      image,
      groupBy: "namespace",
    });
    const doc = parse(result.yaml) as Obj[];
    expect(checkValohai(doc)).toEqual([]);
    const step = stepsOf(doc).get("active_modelling_pipeline")!;
    expect(step.command.at(-1)).toBe(
      "kiln run --pipeline data_science --env valohai --namespaces active_modelling_pipeline {parameters}",
    );
    const params = Object.fromEntries(step.parameters.map((p: Obj) => [p.name, p]));
    expect(Object.keys(params)).toEqual([
      "active_modelling_pipeline.model_options.features",
      "active_modelling_pipeline.model_options.random_state",
      "active_modelling_pipeline.model_options.test_size",
    ]);
    // z.number().int() → integer; z.number().gt(0).lt(1) → float (exclusive bounds are not Valohai's min/max)
    expect(params["active_modelling_pipeline.model_options.random_state"]).toEqual({
      name: "active_modelling_pipeline.model_options.random_state",
      type: "integer",
      default: 3,
      "pass-as": "--params=active_modelling_pipeline.model_options.random_state={v}",
    });
    expect(params["active_modelling_pipeline.model_options.test_size"]).toMatchObject({
      type: "float",
      default: 0.2,
    });
    expect(params["active_modelling_pipeline.model_options.features"]).toMatchObject({
      type: "string",
      default: JSON.stringify([
        "engines",
        "passenger_capacity",
        "crew",
        "d_check_complete",
        "moon_clearance_complete",
        "iata_approved",
        "company_rating",
        "review_scores_rating",
      ]),
    });
  });

  it("types parameters without a schema from their values (flag, integer, float, string)", async () => {
    const result = await exportValohai({ projectPath: sf.root, pipeline: "data_generation", image });
    const doc = parse(result.yaml) as Obj[];
    expect(checkValohai(doc)).toEqual([]);
    const step = stepsOf(doc).get("generate_raw_data")!;
    const types = Object.fromEntries(step.parameters.map((p: Obj) => [p.name, [p.type, p.default]]));
    expect(types).toEqual({
      "data_generation.companies": ["integer", 2000],
      "data_generation.reviewed": ["float", 0.85],
      "data_generation.seed": ["integer", 2026],
      "data_generation.shuttles": ["integer", 6000],
    });
    expect(step.outputs.map((o: Obj) => o.name)).toEqual(["companies", "reviews", "shuttles"]);
    expect(pipelineOf(doc).edges).toEqual([]);
  });

  it("writes a conf environment that points local files at the linked Valohai folders", async () => {
    const result = await exportValohai({ projectPath: sf.root, image, groupBy: "namespace" });
    const catalog = parse(result.catalogYaml) as Obj;
    expect(catalog.preprocessed_companies).toEqual({
      type: "polars.ParquetDataset",
      filepath: ".valohai-io/preprocessed_companies/preprocessed_companies.parquet",
      metadata: { kiln: { layer: "intermediate" } },
    });
    // A factory's dataset, written out under its own name, unversioned (Valohai versions outputs).
    expect(catalog["active_modelling_pipeline.regressor"]).toMatchObject({
      type: "json.JSONDataset",
      filepath: ".valohai-io/active_modelling_pipeline-regressor/regressor.json",
      versioned: false,
    });
    // The metrics go to tracking, not to a file: not in the environment.
    expect(catalog["active_modelling_pipeline.metrics"]).toBeUndefined();
    const files = valohaiFiles(result);
    await writeGenerated(files, { root: sf.root });
    expect(await readFile(join(sf.root, "conf/valohai/catalog.yml"), "utf8")).toBe(result.catalogYaml);
    // The environment is one kiln reads: its catalog is base's with these entries over it.
    const shown = sf.kiln("config", "show", "catalog", "--env", "valohai");
    expect(shown.stderr).toBe("");
    expect(parse(shown.stdout).catalog.model_input_table.filepath).toBe(
      ".valohai-io/model_input_table/model_input_table.parquet",
    );
  });

  it("checks parameters against the pipeline's schema before exporting, as kiln run does", async () => {
    const file = join(sf.root, "conf/base/parameters_data_science.yml");
    const original = await readFile(file, "utf8");
    await writeFile(file, original.replace("random_state: 3", "random_state: three"));
    try {
      const error = await exportValohai({
        projectPath: sf.root,
        pipeline: "data_science",
        image,
        groupBy: "namespace",
      }).catch((e) => e);
      expect(error.code).toBe("KILN_CONFIG_INVALID_PARAMETERS");
      expect(error.message).toMatch(
        /active_modelling_pipeline\.model_options\.random_state: expected number.*parameters_data_science\.yml:\d+/,
      );
    } finally {
      await writeFile(file, original);
    }
  });

  it("refuses the per-node export of data_science, naming the memory datasets", async () => {
    const error = await exportValohai({ projectPath: sf.root, pipeline: "data_science", image }).catch(
      (e) => e,
    );
    expect(error.code).toBe("KILN_EXPORT_MEMORY_DATASET");
    expect(error.message).toContain('"candidate_modelling_pipeline.y_test"');
  });

  it("does not replace a valohai.yaml that kiln did not write, unless forced", async () => {
    const target = join(sf.root, "valohai.yaml");
    await writeFile(target, "- step: {name: mine, image: x, command: echo}\n");
    const result = await exportValohai({ projectPath: sf.root, pipeline: "data_processing", image });
    const error = await writeGenerated(valohaiFiles(result), { root: sf.root }).catch((e) => e);
    expect(error.code).toBe("KILN_EXPORT_FILE_EXISTS");
    expect(error.message).toContain("valohai.yaml exists and was not written by kiln");
    expect(await readFile(target, "utf8")).toContain("mine");
    await writeGenerated(valohaiFiles(result), { root: sf.root, force: true });
    expect(await readFile(target, "utf8")).toBe(result.yaml);
    // A file kiln wrote is replaced without --force.
    await writeGenerated(valohaiFiles(result), { root: sf.root });
    expect(existsSync(target)).toBe(true);
  });
});
