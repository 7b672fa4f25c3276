import { isAbsolute } from "node:path";
import { DEFAULT_PIPELINE } from "kiln";
import { DNS_1123_LABEL, type NameRules, uniqueNames } from "../names.js";
import type { ExportPlan } from "../plan/export-plan.js";
import { APP_DIR } from "../project-image.js";

/** Options of {@link argoWorkflow}. */
export interface ArgoOptions {
  /** The image every task runs (the project installed, `kiln` on the PATH: `kiln docker init`). */
  image: string;
  /** `Workflow` (default; submitted once) or `WorkflowTemplate` (stored, submitted by name). */
  kind?: "Workflow" | "WorkflowTemplate";
  /** The Kubernetes namespace to create it in (default: the one `argo submit` uses). */
  namespace?: string;
  /** The config environment each task's `kiln run` uses. */
  env?: string;
  /** The default value of the workflow's `params` argument (`kiln run --params` text). */
  params?: string;
  /** A PersistentVolumeClaim mounted over the project's data folders, shared by every task. */
  volumeClaim?: string;
}

/** What {@link argoWorkflow} made: the manifest, and what the user should know about it. */
export interface ArgoExport {
  manifest: Record<string, unknown>;
  /** Task names by unit id (node name or namespace). */
  taskNames: Map<string, string>;
  warnings: string[];
}

/** The template every task uses: `kiln run` of the pipeline, with the task's selection. */
const RUN_TEMPLATE = "kiln-run";
const DAG_TEMPLATE = "pipeline";
const VOLUME = "kiln-data";

/** Top-level folders of relative local paths (where the volume is mounted). */
function dataFolders(plan: ExportPlan): { folders: string[]; absolute: string[] } {
  const folders = new Set<string>();
  const absolute: string[] = [];
  for (const info of plan.datasets.values()) {
    if (info.localPath === undefined) continue;
    if (isAbsolute(info.localPath)) absolute.push(info.name);
    else {
      const top = info.localPath.replace(/^\.\//, "").split("/")[0];
      if (top && top !== ".." && info.localPath.includes("/")) folders.add(top);
    }
  }
  return { folders: [...folders].sort(), absolute: absolute.sort() };
}

function warningsFor(plan: ExportPlan, options: ArgoOptions): string[] {
  const warnings: string[] = [];
  const localCrossing = plan.crossings.filter((c) => plan.datasets.get(c.dataset)?.kind === "local-file");
  if (!options.volumeClaim && localCrossing.length > 0) {
    warnings.push(
      `${localCrossing.map((c) => `"${c.dataset}"`).join(", ")} ${localCrossing.length === 1 ? "is a local file" : "are local files"} that one task writes and another reads, but each pod has its own filesystem. ` +
        "Pass --volume-claim NAME (a ReadWriteMany PersistentVolumeClaim mounted over the data folders), or point them at s3:// in a conf environment (--env).",
    );
  }
  const { absolute } = dataFolders(plan);
  if (options.volumeClaim && absolute.length > 0) {
    warnings.push(
      `${absolute.map((n) => `"${n}"`).join(", ")} ${absolute.length === 1 ? "has an absolute path" : "have absolute paths"}, outside the folders the volume is mounted on (relative paths only).`,
    );
  }
  return warnings;
}

const WORKFLOW_NAME: NameRules = { ...DNS_1123_LABEL, maxLength: 57, fallback: "kiln" };

/**
 * An Argo Workflows `Workflow` (or `WorkflowTemplate`) running the plan's units as DAG tasks, each
 * `kiln run --pipeline P --nodes N` (or `--namespaces NS`) in `image`, depending on the tasks that
 * write what it reads. The workflow's `params` argument is passed to every task as `--params`.
 */
export function argoWorkflow(plan: ExportPlan, options: ArgoOptions): ArgoExport {
  const kind = options.kind ?? "Workflow";
  const taskNames = uniqueNames(
    plan.units.map((u) => u.id),
    DNS_1123_LABEL,
  );
  const pipelinePart = plan.pipelineName === DEFAULT_PIPELINE ? "" : `-${plan.pipelineName}`;
  const baseName = uniqueNames([`${plan.projectName}${pipelinePart}`], WORKFLOW_NAME)
    .values()
    .next().value as string;
  const tasks = plan.units.map((unit) => ({
    name: taskNames.get(unit.id)!,
    template: RUN_TEMPLATE,
    ...(unit.dependsOn.length > 0 ? { dependencies: unit.dependsOn.map((d) => taskNames.get(d)!) } : {}),
    arguments: {
      parameters: [
        { name: "select-flag", value: unit.select.flag },
        { name: "select", value: unit.select.value },
      ],
    },
  }));
  const { folders } = dataFolders(plan);
  const mounts = options.volumeClaim
    ? folders.map((folder) => ({ name: VOLUME, mountPath: `${APP_DIR}/${folder}`, subPath: folder }))
    : [];
  const container = {
    name: "main",
    image: options.image,
    workingDir: APP_DIR,
    command: ["kiln"],
    args: [
      "run",
      "--pipeline",
      plan.pipelineName,
      ...(options.env ? ["--env", options.env] : []),
      "{{inputs.parameters.select-flag}}",
      "{{inputs.parameters.select}}",
      "--params={{workflow.parameters.params}}",
    ],
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
  };
  const manifest = {
    apiVersion: "argoproj.io/v1alpha1",
    kind,
    metadata: {
      ...(kind === "Workflow" ? { generateName: `${baseName}-` } : { name: baseName }),
      ...(options.namespace ? { namespace: options.namespace } : {}),
      labels: { "app.kubernetes.io/managed-by": "kiln" },
      annotations: { "kiln/project": plan.projectName, "kiln/pipeline": plan.pipelineName },
    },
    spec: {
      entrypoint: DAG_TEMPLATE,
      arguments: { parameters: [{ name: "params", value: options.params ?? "" }] },
      ...(options.volumeClaim
        ? { volumes: [{ name: VOLUME, persistentVolumeClaim: { claimName: options.volumeClaim } }] }
        : {}),
      templates: [
        { name: DAG_TEMPLATE, dag: { tasks } },
        {
          name: RUN_TEMPLATE,
          inputs: { parameters: [{ name: "select-flag" }, { name: "select" }] },
          container,
        },
      ],
    },
  };
  return { manifest, taskNames, warnings: warningsFor(plan, options) };
}
