import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeZip } from "../config/__fixtures__/zip-writer.js";
import { createLogger, type LogRecord } from "../logging/index.js";
import { Pipeline } from "../pipeline/index.js";
import { bootstrapProject } from "./bootstrap-project.js";
import { readRunRecords } from "./run-record.js";

let root: string;
const logger = createLogger({ level: "silent" });

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kiln-bootstrap-"));
  await write({
    "package.json": JSON.stringify({ name: "tiny", type: "module", kiln: { projectName: "tiny" } }),
    "src/pipelines.ts": [
      'import { node, pipeline } from "kiln";',
      "export function registerPipelines() {",
      '  const double = pipeline([node({ func: (x: number) => x * 2, inputs: "params:x", outputs: "y", name: "double" })]);',
      "  return { __default__: double, double };",
      "}",
    ].join("\n"),
    "conf/base/parameters.yml": "x: 21\nnested:\n  deep: base\n",
    "conf/base/catalog.yml": "seed:\n  type: MemoryDataset\n  data: [1, 2]\n",
    "conf/prod/parameters.yml": "x: 50\n",
  });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("bootstrapProject", () => {
  it("opens the catalog, context, pipelines and session of a project", async () => {
    const { catalog, context, pipelines, session } = await bootstrapProject(join(root, "src"), { logger });
    expect(session.project.name).toBe("tiny");
    expect(context.env).toBe("local");
    expect(context.logger).toBe(logger); // plugins log where the session logs
    expect(await catalog.load("params:x")).toBe(21);
    expect(await catalog.load("seed")).toEqual([1, 2]);
    expect(Object.keys(pipelines).sort()).toEqual(["__default__", "double"]);
    expect(pipelines.double).toBeInstanceOf(Pipeline);
    await session.close();
  });

  it("takes an environment and runtime parameters", async () => {
    const { catalog, session } = await bootstrapProject(root, {
      env: "prod",
      runtimeParams: { "nested.deep": "cli" },
      logger,
    });
    expect(await catalog.load("params:x")).toBe(50);
    expect(await catalog.load("params:nested")).toEqual({ deep: "cli" });
    expect(await session.run({ pipeline: "double" })).toEqual({ y: 100 });
    await session.close();
  });

  it("tells pipeline hooks the run's id, project folder and environment (Kedro's run_params)", async () => {
    const { session } = await bootstrapProject(root, { env: "prod", runtimeParams: { x: 3 }, logger });
    const seen: Array<Record<string, unknown>> = [];
    session.hooks.register({
      name: "rec",
      hooks: { beforePipelineRun: ({ runParams }) => void seen.push(runParams) },
    });
    await session.run({ pipeline: "double" });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      runId: session.lastRun!.runId,
      projectPath: root,
      env: "prod",
      project: "tiny",
      pipelineName: "double",
      runner: "SequentialRunner",
      runtimeParams: { x: 3 },
    });
    expect(seen[0]).not.toHaveProperty("confSource");
    await session.close();
  });

  it("reads conf from an archive and removes the extracted copy on close", async () => {
    await writeFile(join(root, "conf.zip"), makeZip({ "conf/base/parameters.yml": "x: 7\n" }));
    const { catalog, session } = await bootstrapProject(root, { confSource: "conf.zip", logger });
    expect(session.confSource).not.toContain(root);
    expect(await catalog.load("params:x")).toBe(7);
    await session.close();
    expect(existsSync(session.confSource)).toBe(false);
  });

  it("fails with the archive's name when it is corrupt", async () => {
    await writeFile(join(root, "conf.tgz"), "not gzip");
    await expect(bootstrapProject(root, { confSource: "conf.tgz", logger })).rejects.toMatchObject({
      code: "KILN_CONFIG_BAD_ARCHIVE",
      message: expect.stringContaining(join(root, "conf.tgz")),
    });
  });

  it("records runtime params, the conf source and node times equal to the log lines'", async () => {
    await write({ "conf/local/credentials.yml": "db:\n  password: canary-7d1e\n" });
    const lines: LogRecord[] = [];
    const logging = createLogger({ level: "info", sink: (r) => void lines.push(r) });
    const { session } = await bootstrapProject(root, { runtimeParams: { x: 4 }, logger: logging });
    await session.run({ pipeline: "double" });
    const [record] = await readRunRecords(session.storePath);
    expect(record).toMatchObject({
      pipeline: "double",
      env: "local",
      runtimeParams: { x: 4 },
      confSource: "conf",
      options: { pipeline: "double" },
    });
    const logged = lines.find((l) => l.fields?.event === "node_completed")!;
    expect(record!.nodes).toEqual([
      {
        name: "double",
        status: "success",
        durationMs: Math.round((logged.fields!.durationMs as number) * 1000) / 1000,
      },
    ]);
    expect(JSON.stringify(record)).not.toContain("canary-7d1e");
    await session.close();
  });
});
