import { checkGroupBy, checkKind, checkKubernetesName, required } from "../check-options.js";
import { checkImageName } from "../image-name.js";
import { type ExportOptions, planExport } from "../plan/export-plan.js";
import { yamlText } from "../yaml-text.js";
import { type ArgoExport, argoWorkflow } from "./argo-workflow.js";

/** Options of {@link exportArgo}: the pipeline, and the workflow's settings as `kiln export argo` takes them. */
export interface ExportArgoOptions extends Omit<ExportOptions, "groupBy"> {
  image: string;
  /** `none` (default) or `namespace`. */
  groupBy?: string;
  /** `Workflow` (default) or `WorkflowTemplate`. */
  kind?: string;
  namespace?: string;
  params?: string;
  volumeClaim?: string;
}

/** The workflow as YAML text, with the manifest and warnings. */
export interface ArgoExportResult extends ArgoExport {
  yaml: string;
}

/**
 * Exports a pipeline as an Argo Workflows `Workflow` or `WorkflowTemplate`.
 *
 * @example
 * const { yaml } = await exportArgo({ pipeline: "data_science", image: "registry.example.com/sf:1.0" });
 * @throws ExportError `KILN_EXPORT_BAD_IMAGE`, `KILN_EXPORT_BAD_OPTION`, `KILN_EXPORT_MEMORY_DATASET`,
 *   …; ProjectError `KILN_PROJECT_UNKNOWN_PIPELINE`.
 */
export async function exportArgo(options: ExportArgoOptions): Promise<ArgoExportResult> {
  const image = required("--image", options.image, "--image registry.example.com/team/project:1.0");
  checkImageName(image);
  const groupBy = checkGroupBy(options.groupBy);
  const kind = checkKind(options.kind);
  if (options.namespace !== undefined) checkKubernetesName("--namespace", options.namespace);
  if (options.volumeClaim !== undefined) checkKubernetesName("--volume-claim", options.volumeClaim);
  const plan = await planExport({ ...options, groupBy });
  const made = argoWorkflow(plan, {
    image,
    kind,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.params ? { params: options.params } : {}),
    ...(options.volumeClaim ? { volumeClaim: options.volumeClaim } : {}),
  });
  const submit =
    kind === "Workflow"
      ? "argo submit FILE [-p params=a.b=1,c=x]"
      : "kubectl apply -f FILE, then argo submit --from workflowtemplate/NAME [-p params=…]";
  const yaml = yamlText(
    [
      `Written by kiln export argo: pipeline "${plan.pipelineName}" of ${plan.projectName}, ${plan.units.length} task${plan.units.length === 1 ? "" : "s"}.`,
      `Each task runs kiln run in ${image}. Submit: ${submit}`,
      "Re-export after changing the pipeline.",
    ],
    made.manifest,
  );
  return { ...made, yaml };
}
