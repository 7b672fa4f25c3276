import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { copySpaceflights, type SpaceflightsCopy } from "../../../../test/support/spaceflights-copy.js";
import { checkArgo } from "../__fixtures__/argo-rules.js";
import { exportArgo } from "./export-argo.js";

type Obj = Record<string, any>;
let sf: SpaceflightsCopy;
const image = "registry.example.com/team/spaceflights:1.0";

beforeAll(async () => {
  sf = await copySpaceflights();
});
afterAll(async () => {
  await sf.remove();
});

const dag = (manifest: Obj) => manifest.spec.templates.find((t: Obj) => t.dag).dag.tasks as Obj[];
const selection = (task: Obj) =>
  Object.fromEntries(task.arguments.parameters.map((p: Obj) => [p.name, p.value]));

describe("kiln export argo (spaceflights)", () => {
  it("exports data_processing: a schema-valid Workflow whose DAG follows the pipeline", async () => {
    const { yaml, manifest, warnings } = await exportArgo({
      projectPath: sf.root,
      pipeline: "data_processing",
      image,
    });
    const parsed = parse(yaml);
    expect(parsed).toEqual(manifest);
    expect(checkArgo(parsed)).toEqual([]);
    expect(parsed.kind).toBe("Workflow");
    expect(parsed.metadata.generateName).toBe("spaceflights-data-processing-");
    const tasks = dag(parsed);
    expect(tasks.map((t) => [t.name, t.dependencies ?? []])).toEqual([
      ["preprocess-companies-node", []],
      ["preprocess-shuttles-node", []],
      ["create-model-input-table-node", ["preprocess-companies-node", "preprocess-shuttles-node"]],
    ]);
    expect(selection(tasks[2]!)).toEqual({
      "select-flag": "--nodes",
      select: "create_model_input_table_node",
    });
    const container = parsed.spec.templates.find((t: Obj) => t.container).container;
    expect(container.image).toBe(image);
    expect(container.args).toEqual([
      "run",
      "--pipeline",
      "data_processing",
      "{{inputs.parameters.select-flag}}",
      "{{inputs.parameters.select}}",
      "--params={{workflow.parameters.params}}",
    ]);
    // Local parquet files cross pods: the user is told to share storage.
    expect(warnings.join("\n")).toMatch(
      /"preprocessed_companies", "preprocessed_shuttles" are local files .* --volume-claim/,
    );
  });

  it("has an edge for every dataset a task reads from another (the whole __default__ pipeline)", async () => {
    const { manifest } = await exportArgo({ projectPath: sf.root, image, groupBy: "namespace" });
    expect(checkArgo(manifest)).toEqual([]);
    const tasks = dag(manifest);
    const deps = Object.fromEntries(tasks.map((t) => [t.name, (t.dependencies ?? []).sort()]));
    expect(deps).toEqual({
      "preprocess-companies-node": [],
      "preprocess-shuttles-node": [],
      "compare-passenger-capacity": ["preprocess-shuttles-node"],
      "create-model-input-table-node": ["preprocess-companies-node", "preprocess-shuttles-node"],
      "active-modelling-pipeline": ["create-model-input-table-node"],
      "candidate-modelling-pipeline": ["create-model-input-table-node"],
      "create-confusion-matrix": ["active-modelling-pipeline", "create-model-input-table-node"],
    });
    const group = tasks.find((t) => t.name === "active-modelling-pipeline")!;
    expect(selection(group)).toEqual({ "select-flag": "--namespaces", select: "active_modelling_pipeline" });
  });

  it("refuses a per-node export of data_science: its splits pass in memory", async () => {
    const error = await exportArgo({ projectPath: sf.root, pipeline: "data_science", image }).catch((e) => e);
    expect(error.code).toBe("KILN_EXPORT_MEMORY_DATASET");
    expect(error.message).toContain(
      '"active_modelling_pipeline.X_train": written by node "active_modelling_pipeline.split_data_node", read by "active_modelling_pipeline.train_model_node"',
    );
    expect(error.message).toMatch(/8 datasets pass between nodes in memory/);
    expect(error.hint).toContain("--group-by namespace");
  });

  it("makes a WorkflowTemplate in a namespace, with params, env and a shared volume", async () => {
    await mkdir(join(sf.root, "conf/prod"), { recursive: true });
    const { manifest, warnings } = await exportArgo({
      projectPath: sf.root,
      pipeline: "data_science",
      image,
      groupBy: "namespace",
      kind: "WorkflowTemplate",
      namespace: "ml-jobs",
      env: "prod",
      params: "active_modelling_pipeline.model_options.test_size=0.3",
      volumeClaim: "spaceflights-data",
    });
    expect(checkArgo(manifest)).toEqual([]);
    expect(warnings).toEqual([]);
    const m = manifest as Obj;
    expect(m.kind).toBe("WorkflowTemplate");
    expect(m.metadata).toMatchObject({ name: "spaceflights-data-science", namespace: "ml-jobs" });
    expect(m.spec.arguments.parameters).toEqual([
      { name: "params", value: "active_modelling_pipeline.model_options.test_size=0.3" },
    ]);
    expect(m.spec.volumes).toEqual([
      { name: "kiln-data", persistentVolumeClaim: { claimName: "spaceflights-data" } },
    ]);
    const container = m.spec.templates.find((t: Obj) => t.container).container;
    expect(container.args.slice(0, 5)).toEqual(["run", "--pipeline", "data_science", "--env", "prod"]);
    expect(container.volumeMounts).toEqual([{ name: "kiln-data", mountPath: "/app/data", subPath: "data" }]);
  });

  it("refuses bad options with what is wrong and a way out", async () => {
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => "no error",
        (e) => `${e.code}: ${e.message} ${e.hint}`,
      );
    expect(await codeOf(exportArgo({ projectPath: sf.root, pipeline: "data_sciense", image }))).toMatch(
      /^KILN_PROJECT_UNKNOWN_PIPELINE: .*"data_sciense".*Did you mean "data_science"\?/,
    );
    expect(await codeOf(exportArgo({ projectPath: sf.root, image: "Team/SF" }))).toMatch(
      /^KILN_EXPORT_BAD_IMAGE: .*lower-case/,
    );
    expect(await codeOf(exportArgo({ projectPath: sf.root, image: "" }))).toMatch(
      /^KILN_EXPORT_MISSING_OPTION: --image/,
    );
    expect(await codeOf(exportArgo({ projectPath: sf.root, image, groupBy: "namespaces" }))).toMatch(
      /^KILN_EXPORT_BAD_OPTION: --group-by "namespaces".*Did you mean "namespace"\?/,
    );
    expect(await codeOf(exportArgo({ projectPath: sf.root, image, kind: "CronWorkflow" }))).toMatch(
      /^KILN_EXPORT_BAD_OPTION: --kind/,
    );
    expect(await codeOf(exportArgo({ projectPath: sf.root, image, namespace: "ML_Jobs" }))).toMatch(
      /^KILN_EXPORT_BAD_OPTION: --namespace "ML_Jobs".*e\.g\. --namespace ml-jobs/,
    );
  });

  it("keeps task names apart when two node names make the same Kubernetes name", async () => {
    // A copy of its own: the other tests' copy has its pipelines imported (and cached) already.
    const own = await copySpaceflights();
    await writeFile(
      join(own.root, "src/pipelines/clash.ts"),
      `import { node, pipeline } from "kiln";
export const clash = () => pipeline([
  node({ func: (x: unknown) => x, inputs: "companies", outputs: "preprocessed_companies", name: "same_name" }),
  node({ func: (x: unknown) => x, inputs: "preprocessed_companies", outputs: "b_out", name: "same-name" }),
]);
`,
    );
    const registry = join(own.root, "src/pipelines.ts");
    const original = await readFile(registry, "utf8");
    await writeFile(
      registry,
      `import { clash } from "./pipelines/clash.js";\n${original.replace("return {", "return { clash: clash(),")}`,
    );
    try {
      const { manifest } = await exportArgo({ projectPath: own.root, pipeline: "clash", image });
      expect(checkArgo(manifest)).toEqual([]);
      const tasks = dag(manifest);
      // "same-name" sorts before "same_name", so it keeps the plain name whatever the DAG order.
      expect(tasks.map((t) => selection(t).select)).toEqual(["same_name", "same-name"]);
      expect(tasks[0]!.name).toMatch(/^same-name-[0-9a-f]{8}$/);
      expect(tasks[1]!.name).toBe("same-name");
      expect(tasks[1]!.dependencies).toEqual([tasks[0]!.name]);
    } finally {
      await own.remove();
    }
  });
});
