// @kiln/export end to end: the spaceflights example with the plugin among its dependencies, the
// real `kiln` binary. The exported Argo tasks' command lines and the Valohai steps (in a local
// stand-in for Valohai's executions: own input and output folders, files passed along the edges)
// are run for real, so what the exports say is what works.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkArgo } from "../../packages/export/src/__fixtures__/argo-rules.js";
import { checkValohai } from "../../packages/export/src/__fixtures__/valohai-rules.js";
import { runValohaiPipeline } from "../../packages/export/src/__fixtures__/valohai-run.js";
import { copySpaceflights, type SpaceflightsCopy } from "../support/spaceflights-copy.js";

type Obj = Record<string, any>;
const image = "registry.example.com/team/spaceflights:1.0";
let sf: SpaceflightsCopy;
let work: string;

beforeAll(async () => {
  sf = await copySpaceflights({ generateData: true });
  const pkg = JSON.parse(await readFile(join(sf.root, "package.json"), "utf8"));
  pkg.dependencies["@kiln/export"] = "*";
  await writeFile(join(sf.root, "package.json"), JSON.stringify(pkg, null, 2));
  work = await mkdtemp(join(tmpdir(), "kiln-e2e-export-"));
}, 180_000);
afterAll(async () => {
  await sf?.remove();
  await rm(work, { recursive: true, force: true });
});

const failed = (r: { status: number | null; stderr: string }) => ({ status: r.status, stderr: r.stderr });

describe("kiln export and kiln docker init (real binary, spaceflights)", () => {
  it("lists the plugin's commands in kiln --help", () => {
    const help = sf.kiln("--help");
    expect(help.stdout).toMatch(/export\s/);
    expect(help.stdout).toMatch(/docker\s/);
  });

  it("exports data_processing to Argo, and the tasks' command lines run the pipeline", async () => {
    const file = join(work, "workflow.yaml");
    const made = sf.kiln("export", "argo", "--pipeline", "data_processing", "--image", image, "-o", file);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain("workflow.yaml: 3 tasks");
    expect(made.stderr).toContain("--volume-claim"); // the local parquet files need shared storage
    const manifest = parse(await readFile(file, "utf8")) as Obj;
    expect(checkArgo(manifest)).toEqual([]);
    // Run each task's container command in DAG order, in one folder (as with a shared volume).
    const templates = new Map<string, Obj>((manifest.spec.templates as Obj[]).map((t) => [t.name, t]));
    const tasks = templates.get(manifest.spec.entrypoint)!.dag.tasks as Obj[];
    const params = "data_generation.seed=1"; // a workflow argument, as `argo submit -p params=…` sets it
    for (const task of tasks) {
      const container = templates.get(task.template)!.container as Obj;
      const given = Object.fromEntries(task.arguments.parameters.map((p: Obj) => [p.name, p.value]));
      const args = (container.args as string[]).map((a) =>
        a
          .replace(/\{\{inputs\.parameters\.([\w-]+)\}\}/g, (_, n) => given[n])
          .replace("{{workflow.parameters.params}}", params),
      );
      expect(container.command).toEqual(["kiln"]);
      const ran = sf.kiln(...args);
      expect(ran.status, `${task.name}: ${ran.stderr}`).toBe(0);
    }
    expect(existsSync(join(sf.root, "data/03_primary/model_input_table.parquet"))).toBe(true);
  });

  it("prints the workflow to standard output without -o", () => {
    const made = sf.kiln(
      "export",
      "argo",
      "--image",
      image,
      "--group-by",
      "namespace",
      "--kind",
      "WorkflowTemplate",
    );
    expect(made.status, made.stderr).toBe(0);
    const manifest = parse(made.stdout) as Obj;
    expect(manifest.kind).toBe("WorkflowTemplate");
    expect(checkArgo(manifest)).toEqual([]);
  });

  it("explains bad flags: unknown pipeline (did you mean), bad image, memory datasets", () => {
    const unknown = sf.kiln("export", "argo", "--pipeline", "data_sience", "--image", image);
    expect(unknown.status, unknown.stderr).toBe(2);
    expect(unknown.stderr).toContain("KILN_PROJECT_UNKNOWN_PIPELINE");
    expect(unknown.stderr).toContain('Did you mean "data_science"?');
    const image2 = sf.kiln("export", "valohai", "--image", "Registry/Team:SF");
    expect(failed(image2)).toMatchObject({ status: 2 });
    expect(image2.stderr).toContain("KILN_EXPORT_BAD_IMAGE");
    const noImage = sf.kiln("export", "argo");
    expect(noImage.stderr).toContain("KILN_EXPORT_MISSING_OPTION");
    const memory = sf.kiln("export", "argo", "--pipeline", "data_science", "--image", image);
    expect(memory.status).toBe(2);
    expect(memory.stderr).toContain("KILN_EXPORT_MEMORY_DATASET");
    expect(memory.stderr).toContain('"active_modelling_pipeline.X_train"');
    expect(memory.stderr).toContain("--group-by namespace");
  });

  it("exports to Valohai, and its steps run the pipeline with files passed along the edges", async () => {
    const made = sf.kiln("export", "valohai", "--image", image, "--group-by", "namespace");
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain("valohai.yaml and conf/valohai/catalog.yml: 7 steps");
    const doc = parse(await readFile(join(sf.root, "valohai.yaml"), "utf8")) as Obj[];
    expect(checkValohai(doc)).toEqual([]);
    const raw = (f: string) => join(sf.root, "data/01_raw", f);
    const executions = await runValohaiPipeline({
      doc,
      project: sf.root,
      work: join(work, "valohai"),
      given: { companies: raw("companies.csv"), reviews: raw("reviews.csv"), shuttles: raw("shuttles.xlsx") },
      // Overridden as in Valohai's UI: reaches kiln run as --params=…=0.3, one flag per parameter.
      parameters: { "active_modelling_pipeline.model_options.test_size": 0.3 },
      path: join(sf.root, "node_modules/.bin"),
    });
    for (const e of executions) expect(e.status, `${e.node}: ${e.command}\n${e.output}`).toBe(0);
    // __default__ is the training/inference pair. The step that makes every artifact the inference
    // reads still runs a pair and packages the model; the others run plain parts and say so.
    const output = (node: string) => executions.find((e) => e.node === node)!.output;
    expect(output("active_modelling_pipeline")).toContain("Packaged the inference pipeline as runs:/");
    expect(output("preprocess_companies_node")).toContain(
      "No model will be packaged: Filtering with --nodes preprocess_companies_node leaves out node",
    );
    expect(executions.map((e) => e.node)).toHaveLength(7);
    const outputs = (node: string) => executions.find((e) => e.node === node)!.outputs;
    expect(
      existsSync(
        join(
          outputs("create_confusion_matrix"),
          "price_band_confusion_matrix/price_band_confusion_matrix.png",
        ),
      ),
    ).toBe(true);
    expect(
      existsSync(
        join(outputs("active_modelling_pipeline"), "active_modelling_pipeline-regressor/regressor.json"),
      ),
    ).toBe(true);
    // The step's parameters reached the run.
    const records = (await readFile(join(sf.root, ".kiln/runs.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const active = records.findLast((r) => r.options?.namespaces?.includes("active_modelling_pipeline"));
    expect(active.runtimeParams.active_modelling_pipeline.model_options).toMatchObject({
      test_size: 0.3,
      random_state: 3,
      features: expect.arrayContaining(["engines", "crew"]),
    });
    expect(active.env).toBe("valohai");
  });

  it("writes a Dockerfile and .dockerignore, keeping a foreign Dockerfile unless --force", async () => {
    await writeFile(join(sf.root, "Dockerfile"), "FROM scratch\n");
    const refused = sf.kiln("docker", "init");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("KILN_EXPORT_FILE_EXISTS");
    const forced = sf.kiln("docker", "init", "--force");
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toContain("Wrote Dockerfile and .dockerignore");
    expect(forced.stderr).toContain("package-lock.json"); // the copy has none: npm ci would fail
    expect(await readFile(join(sf.root, "Dockerfile"), "utf8")).toContain('ENTRYPOINT ["kiln"]');
  });
});
