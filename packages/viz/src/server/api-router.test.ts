// The API answered in process (no sockets) over a copy of the spaceflights example whose raw data
// was generated and which ran once, so previews and run records are real.
import { appendFile, cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copySpaceflights, type SpaceflightsCopy } from "../../../../test/support/spaceflights-copy.js";
import type {
  DataDetails,
  GraphResponse,
  ParametersDetails,
  RunsResponse,
  TaskDetails,
} from "../api/types.js";
import { VizProject } from "../api/viz-project.js";
import { type ApiContext, routeApi } from "./api-router.js";

const SECRET = "s3cret-token-never-shown";
let copy: SpaceflightsCopy;
let project: VizProject;
let context: ApiContext;

const get = async (path: string) => {
  const response = await routeApi(context, "GET", new URL(path, "http://viz.local"));
  // Through JSON, as a client sees it.
  return { status: response.status, body: JSON.parse(JSON.stringify(response.body)) };
};

beforeAll(async () => {
  copy = await copySpaceflights({ generateData: true });
  // A credentialed dataset: its secret must never reach an answer.
  await mkdir(join(copy.root, "conf/local"), { recursive: true });
  await writeFile(join(copy.root, "conf/local/credentials.yml"), `weather:\n  token: ${SECRET}\n`);
  await appendFile(
    join(copy.root, "conf/base/catalog.yml"),
    "\nstations:\n  type: json.JSONDataset\n  filepath: https://example.invalid/stations.json\n  credentials: weather\n",
  );
  const run = copy.kiln("run");
  if (run.status !== 0) throw new Error(run.stderr);
  project = await VizProject.open({ projectPath: copy.root });
  context = { project: async () => project, pipeline: "__default__" };
});

afterAll(async () => {
  await project?.close();
  await copy?.remove();
});

describe("/api/main", () => {
  it("draws the default pipeline: tasks, datasets, parameters, layers, namespaces and pipelines", async () => {
    const { status, body } = await get("/api/main");
    const graph = body as GraphResponse;
    expect(status).toBe(200);
    expect(graph.pipeline).toBe("__default__");
    expect(graph.pipelines).toEqual([
      "__default__",
      "data_generation",
      "data_processing",
      "data_science",
      "reporting",
    ]);
    expect(graph.layers).toEqual(["raw", "intermediate", "primary", "models", "reporting"]);
    expect(graph.namespaces.map((n) => n.id)).toEqual([
      "active_modelling_pipeline",
      "candidate_modelling_pipeline",
    ]);
    expect(graph.tags).toEqual(["active_modelling_pipeline", "candidate_modelling_pipeline"]);
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    expect(byId.get("task:active_modelling_pipeline.train_model_node")).toMatchObject({
      type: "task",
      namespace: "active_modelling_pipeline",
      tags: ["active_modelling_pipeline"],
    });
    expect(byId.get("data:companies")).toMatchObject({
      type: "data",
      layer: "raw",
      datasetType: "polars.CSVDataset",
    });
    // From the "{namespace}.regressor" factory; an output of the namespace (reporting reads it).
    expect(byId.get("data:active_modelling_pipeline.regressor")).toMatchObject({
      layer: "models",
      datasetType: "json.JSONDataset",
      namespace: null,
    });
    expect(byId.get("data:active_modelling_pipeline.X_train")).toMatchObject({
      datasetType: "MemoryDataset",
      namespace: "active_modelling_pipeline",
    });
    expect(byId.get("param:params:candidate_modelling_pipeline.model_options")?.type).toBe("parameters");
    expect(graph.edges).toContainEqual({
      source: "data:model_input_table",
      target: "task:create_confusion_matrix",
    });
    expect(graph.nodes.filter((n) => n.type === "task")).toHaveLength(11);
  });

  it("another pipeline by name, and a did-you-mean for a wrong one", async () => {
    const { body } = await get("/api/pipelines/data_processing");
    expect(
      (body as GraphResponse).nodes
        .filter((n) => n.type === "task")
        .map((n) => n.name)
        .sort(),
    ).toEqual(["create_model_input_table_node", "preprocess_companies_node", "preprocess_shuttles_node"]);
    const wrong = await get("/api/pipelines/data_procesing");
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.code).toBe("KILN_VIZ_PIPELINE_NOT_FOUND");
    expect(wrong.body.error.hint).toContain('"data_processing"');
  });
});

describe("/api/nodes/:id", () => {
  it("a task: its function's TypeScript source with file and line, parameters with values, the run command", async () => {
    const { body } = await get(
      `/api/nodes/${encodeURIComponent("task:active_modelling_pipeline.split_data_node")}`,
    );
    const task = body as TaskDetails;
    expect(task.func).toBe("splitData");
    expect(task.source?.file).toBe("src/pipelines/data_science/nodes.ts");
    // Through the compiled cache and its source map (the CLI), or by name (here, under the test runner).
    expect(task.source?.code).toMatch(/^(export )?function splitData\(\n {2}data: pl\.DataFrame,/);
    expect(task.source?.code.trimEnd().endsWith("}")).toBe(true);
    expect(task.inputs).toEqual([
      "data:model_input_table",
      "param:params:active_modelling_pipeline.model_options",
    ]);
    expect(task.parameters).toEqual([
      {
        name: "params:active_modelling_pipeline.model_options",
        value: expect.objectContaining({ test_size: 0.2, random_state: 3 }),
      },
    ]);
    expect(task.runCommand).toBe("kiln run --nodes active_modelling_pipeline.split_data_node");
    const other = await get(`/api/nodes/task:preprocess_companies_node?pipeline=data_processing`);
    expect(other.body.runCommand).toBe(
      "kiln run --pipeline data_processing --nodes preprocess_companies_node",
    );
  });

  it("a table dataset: type, path, layer and a preview of its first rows with their schema", async () => {
    const { body } = await get("/api/nodes/data:companies");
    const data = body as DataDetails;
    expect(data).toMatchObject({
      datasetType: "polars.CSVDataset",
      filepath: "data/01_raw/companies.csv",
      layer: "raw",
    });
    expect(data.preview?.kind).toBe("table");
    expect(data.preview?.data).toHaveLength(10);
    expect(data.preview?.schema).toMatchObject({ id: expect.any(String), company_rating: "String" });
    expect(data.previewError).toBeNull();
  });

  it("a versioned dataset lists its versions; a chart's preview is rendered; a memory dataset has none", async () => {
    const regressor = (await get("/api/nodes/data:active_modelling_pipeline.regressor")).body as DataDetails;
    expect(regressor.versioned).toBe(true);
    expect(regressor.versions).toHaveLength(1);
    expect(regressor.versions[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d\.\d{3}Z$/);
    const plot = (await get("/api/nodes/data:shuttle_passenger_capacity_plot")).body as DataDetails;
    expect(plot.preview?.kind).toBe("plot");
    expect((plot.preview!.data as { svg: string }).svg).toContain("<svg");
    const memory = (await get("/api/nodes/data:active_modelling_pipeline.X_train")).body as DataDetails;
    expect(memory).toMatchObject({ datasetType: "MemoryDataset", preview: null, filepath: null });
  });

  it("parameters with their values", async () => {
    const { body } = await get(
      `/api/nodes/${encodeURIComponent("param:params:candidate_modelling_pipeline.model_options")}`,
    );
    expect((body as ParametersDetails).value).toMatchObject({ test_size: 0.2 });
  });

  it("only elements of the project's pipelines: no arbitrary path or undeclared name is opened", async () => {
    for (const id of [
      "data:../../etc/passwd",
      "data:/etc/passwd",
      "data:stations",
      "task:nope",
      "data:params:x",
    ]) {
      const answer = await get(`/api/nodes/${encodeURIComponent(id)}`);
      expect(answer.status, id).toBe(404);
      expect(answer.body.error.code).toBe("KILN_VIZ_NODE_NOT_FOUND");
    }
  });
});

describe("/api/runs", () => {
  it("the recorded runs, newest first, with each node's outcome and duration", async () => {
    const { body } = await get("/api/runs");
    const { runs } = body as RunsResponse;
    expect(runs.map((r) => r.pipeline)).toEqual(["__default__", "data_generation"]);
    expect(runs[0]).toMatchObject({ status: "success", command: "kiln run", error: null });
    expect(runs[0]!.nodes).toHaveLength(11);
    expect(runs[0]!.nodes[0]).toEqual({
      name: expect.any(String),
      status: "success",
      durationMs: expect.any(Number),
    });
    expect((await get("/api/runs?limit=1")).body.runs).toHaveLength(1);
  });
});

describe("the API", () => {
  it("never answers with a credential", async () => {
    const answers = [await get("/api/main"), await get("/api/runs")];
    for (const node of (answers[0]!.body as GraphResponse).nodes)
      answers.push(await get(`/api/nodes/${encodeURIComponent(node.id)}`));
    for (const answer of answers) expect(JSON.stringify(answer.body)).not.toContain(SECRET);
  });

  it("answers unknown routes and writes with coded errors", async () => {
    const unknown = await get("/api/nope");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("KILN_VIZ_ROUTE_NOT_FOUND");
    const write = await routeApi(context, "POST", new URL("http://viz.local/api/main"));
    expect(write.status).toBe(405);
    expect((write.body as { error: { code: string } }).error.code).toBe("KILN_VIZ_METHOD_NOT_ALLOWED");
  });

  it("answers query parameters it does not take, or wrong ones, with 400", async () => {
    for (const [path, says] of [
      ["/api/runs?limit=-1", 'limit must be a whole number from 1 to 10000, got "-1".'],
      ["/api/runs?limt=5", '/api/runs takes no query parameter "limt".'],
      ["/api/nodes/data%3Acompanies?pipeline=a&pipeline=b", 'Query parameter "pipeline" is given 2 times.'],
      ["/api/main?pipeline=data_science", '/api/main takes no query parameter "pipeline".'],
      ["/api/nodes/%E0%A4%A", 'The path part "%E0%A4%A" is not valid percent-encoding.'],
    ] as const) {
      const { status, body } = await get(path);
      expect(status, path).toBe(400);
      expect(body.error).toMatchObject({ code: "KILN_VIZ_BAD_QUERY", message: says });
    }
    expect((await get("/api/runs?limt=5")).body.error.hint).toBe(
      'Did you mean "limit"? It takes limit, e.g. ?limit=50.',
    );
  });

  it("answers a wrong path under /api/experiments with 404 naming the routes", async () => {
    const wrong = await get("/api/experiments/nope");
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.hint).toContain("/api/experiments/compare?runs=a,b");
  });

  it("has no Experiments for a project without @kiln/tracking", async () => {
    const root = await mkdtemp(join(tmpdir(), "kiln-viz-hello-"));
    const hello = fileURLToPath(new URL("../../../../examples/hello", import.meta.url));
    await cp(hello, root, { recursive: true, filter: (from) => !/[/\\](\.kiln|data)$/.test(from) });
    await symlink(
      fileURLToPath(new URL("../../../../node_modules", import.meta.url)),
      join(root, "node_modules"),
    );
    const plain = await VizProject.open({ projectPath: root });
    try {
      const on = { project: async () => plain, pipeline: "__default__" };
      expect(plain.graph().features.tracking).toBe(false);
      const response = await routeApi(on, "GET", new URL("http://viz.local/api/experiments/runs"));
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({
        error: {
          code: "KILN_VIZ_TRACKING_NOT_INSTALLED",
          hint: expect.stringContaining("npm install @kiln/tracking"),
        },
      });
    } finally {
      await plain.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
