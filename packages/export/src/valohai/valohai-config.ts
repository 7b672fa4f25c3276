import { basename } from "node:path";
import { DEFAULT_PIPELINE } from "kiln";
import { uniqueNames, VALOHAI_NAME } from "../names.js";
import type { DatasetInfo } from "../plan/datasets.js";
import type { ExportPlan } from "../plan/export-plan.js";
import type { Unit } from "../plan/units.js";
import { APP_DIR } from "../project-image.js";
import { shellWord } from "../shell.js";
import { parameterLeaves, typeParameters } from "./parameter-types.js";
import { valohaiParameter } from "./valohai-parameter.js";

/** Options of {@link valohaiConfig}. */
export interface ValohaiOptions {
  /** The image every step runs (the project's dependencies installed: `kiln docker init`). */
  image: string;
  /** The conf environment the export writes and the steps run with (default `valohai`). */
  confEnv?: string;
}

/** What {@link valohaiConfig} made. */
export interface ValohaiExport {
  /** The `valohai.yaml` document: a list of `step`s and one `pipeline`. */
  config: Record<string, unknown>[];
  /** The conf environment's catalog: every local file dataset pointed at Valohai's folders. */
  catalog: Record<string, Record<string, unknown>>;
  confEnv: string;
  /** Step names by unit id. */
  stepNames: Map<string, string>;
  /** The Valohai pipeline's name (`vh pipeline run NAME`). */
  pipelineName: string;
}

/** Where a step's `kiln run` finds its files: links to /valohai/inputs/<name> and /valohai/outputs/<name>. */
export const IO_DIR = ".valohai-io";
const DONE = "kiln-done";

/** A unit's local files: what it reads that it does not write (inputs), and what it writes (outputs). */
function unitFiles(
  unit: Unit,
  locals: ReadonlyMap<string, DatasetInfo>,
): { inputs: string[]; outputs: string[] } {
  const writes = new Set(unit.nodes.flatMap((n) => n.outputs));
  const reads = new Set(unit.nodes.flatMap((n) => n.inputs).filter((d) => !writes.has(d)));
  return {
    inputs: [...reads].filter((d) => locals.has(d)).sort(),
    outputs: [...writes].filter((d) => locals.has(d)).sort(),
  };
}

/** Unit pairs ordered only through data that is not a local file: they need an edge of their own. */
function orderOnlyEdges(plan: ExportPlan, locals: ReadonlyMap<string, DatasetInfo>): Map<string, string[]> {
  const byFile = new Set<string>();
  for (const c of plan.crossings) {
    if (!locals.has(c.dataset)) continue;
    for (const k of c.consumers) byFile.add(`${c.producer.unit}\n${k.unit}`);
  }
  const out = new Map<string, string[]>();
  for (const unit of plan.units) {
    const needs = unit.dependsOn.filter((d) => !byFile.has(`${d}\n${unit.id}`));
    if (needs.length > 0) out.set(unit.id, needs);
  }
  return out;
}

/**
 * `valohai.yaml` for the plan: a step per unit running `kiln run --env <confEnv>` with typed
 * parameters, its local file datasets as Valohai inputs and outputs, and a pipeline whose edges
 * carry each file from the step that writes it to the steps that read it. The conf environment's
 * catalog points those datasets at `.valohai-io/<name>/`, which each step links to
 * `/valohai/inputs/<name>` (what Valohai downloaded) or `/valohai/outputs/<name>` (what it uploads).
 */
export function valohaiConfig(plan: ExportPlan, options: ValohaiOptions): ValohaiExport {
  const confEnv = options.confEnv ?? "valohai";
  const locals = new Map([...plan.datasets].filter(([, info]) => info.kind === "local-file"));
  const stepNames = uniqueNames(
    plan.units.map((u) => u.id),
    VALOHAI_NAME,
  );
  const orderOnly = orderOnlyEdges(plan, locals);
  const markers = new Set([...orderOnly.values()].flat());
  const ioNames = uniqueNames(
    [...locals.keys(), ...[...markers].map((u) => `${DONE}-${stepNames.get(u)}`)],
    VALOHAI_NAME,
  );
  const io = (name: string) => ioNames.get(name)!;
  const done = (unit: string) => io(`${DONE}-${stepNames.get(unit)}`);

  const steps = plan.units.map((unit) => {
    const { inputs, outputs } = unitFiles(unit, locals);
    const leaves = typeParameters(
      parameterLeaves(
        unit.nodes.flatMap((n) => n.inputs),
        plan.parameters,
      ),
      plan.parameters,
      plan.schemas,
    );
    const waitsFor = orderOnly.get(unit.id) ?? [];
    const run = [
      "kiln run",
      `--pipeline ${shellWord(plan.pipelineName)}`,
      `--env ${shellWord(confEnv)}`,
      `${unit.select.flag} ${shellWord(unit.select.value)}`,
      ...(leaves.length > 0 ? ["{parameters}"] : []),
    ].join(" ");
    const command = [
      // Valohai runs the commit's code; the image brings its dependencies.
      `[ -e node_modules ] || ln -s ${APP_DIR}/node_modules node_modules`,
      ...(inputs.length + outputs.length > 0 ? [`mkdir -p ${IO_DIR}`] : []),
      ...inputs.map((d) => `ln -sfn /valohai/inputs/${io(d)} ${IO_DIR}/${io(d)}`),
      ...outputs.map(
        (d) => `mkdir -p /valohai/outputs/${io(d)} && ln -sfn /valohai/outputs/${io(d)} ${IO_DIR}/${io(d)}`,
      ),
      run,
      ...(markers.has(unit.id) ? [`echo done > /valohai/outputs/${done(unit.id)}`] : []),
    ];
    const describe = (d: string) => `dataset "${d}" (${locals.get(d)!.localPath})`;
    return {
      step: {
        name: stepNames.get(unit.id)!,
        image: options.image,
        description: `kiln run --pipeline ${plan.pipelineName} ${unit.select.flag} ${unit.select.value}`,
        command,
        ...(leaves.length > 0 ? { parameters: leaves.map(valohaiParameter) } : {}),
        ...(inputs.length + waitsFor.length > 0
          ? {
              inputs: [
                ...inputs.map((d) => ({ name: io(d), description: describe(d) })),
                ...waitsFor.map((u) => ({
                  name: done(u),
                  description: `waits for step ${stepNames.get(u)} (it writes data this step reads)`,
                })),
              ],
            }
          : {}),
        ...(outputs.length > 0 || markers.has(unit.id)
          ? {
              outputs: [
                ...outputs.map((d) => ({ name: io(d), description: describe(d) })),
                ...(markers.has(unit.id)
                  ? [{ name: done(unit.id), description: "marks the step done" }]
                  : []),
              ],
            }
          : {}),
      },
    };
  });

  const edges: { source: string; target: string }[] = [];
  for (const c of plan.crossings) {
    if (!locals.has(c.dataset)) continue;
    const from = stepNames.get(c.producer.unit)!;
    const targets = [...new Set(c.consumers.map((k) => stepNames.get(k.unit)!))].sort();
    for (const to of targets)
      edges.push({ source: `${from}.output.${io(c.dataset)}/*`, target: `${to}.input.${io(c.dataset)}` });
  }
  for (const [unit, needs] of orderOnly) {
    for (const u of needs)
      edges.push({
        source: `${stepNames.get(u)}.output.${done(u)}`,
        target: `${stepNames.get(unit)}.input.${done(u)}`,
      });
  }

  const pipelineName =
    plan.pipelineName === DEFAULT_PIPELINE ? plan.projectName : `${plan.projectName}-${plan.pipelineName}`;
  const pipeline = {
    pipeline: {
      name: pipelineName,
      nodes: plan.units.map((u) => ({
        name: stepNames.get(u.id)!,
        type: "execution",
        step: stepNames.get(u.id)!,
      })),
      edges,
    },
  };

  const catalog: Record<string, Record<string, unknown>> = {};
  for (const [name, info] of locals) {
    const entry = { ...info.entry };
    const key = typeof entry.filepath === "string" ? "filepath" : "path";
    entry[key] = `${IO_DIR}/${io(name)}/${basename(info.localPath!)}`;
    // Valohai versions every output itself; Kiln's version folders would hide the file from the edges.
    if (entry.versioned) entry.versioned = false;
    catalog[name] = entry;
  }
  return { config: [...steps, pipeline], catalog, confEnv, stepNames, pipelineName };
}
