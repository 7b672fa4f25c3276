// Checks of an Argo Workflows manifest beyond its JSON schema, the ones Argo's controller makes when
// a workflow is submitted: template and task references, DAG dependencies, parameter references.
import { Workflow, WorkflowTemplate } from "@kubernetes-models/argo-workflows/argoproj.io/v1alpha1";

type Obj = Record<string, unknown>;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Validates `manifest` with Argo's schema (throws its errors), then returns the reference problems found. */
export function checkArgo(manifest: Obj): string[] {
  const Model = manifest.kind === "WorkflowTemplate" ? WorkflowTemplate : Workflow;
  new Model(manifest as never).validate();
  const problems: string[] = [];
  const spec = manifest.spec as Obj;
  const templates = spec.templates as Obj[];
  const byName = new Map(templates.map((t) => [String(t.name), t]));
  if (byName.size !== templates.length) problems.push("two templates share a name");
  if (!byName.has(String(spec.entrypoint)))
    problems.push(`entrypoint ${String(spec.entrypoint)} is not a template`);
  const workflowParams = new Set(
    (((spec.arguments as Obj | undefined)?.parameters as Obj[] | undefined) ?? []).map((p) => String(p.name)),
  );
  for (const template of templates) {
    const name = String(template.name);
    if (!DNS_LABEL.test(name) || name.length > 63)
      problems.push(`template name ${name} is not a DNS-1123 label`);
    const inputs = new Set(
      (((template.inputs as Obj | undefined)?.parameters as Obj[] | undefined) ?? []).map((p) =>
        String(p.name),
      ),
    );
    const text = JSON.stringify(template);
    for (const [, scope, param] of text.matchAll(/\{\{(inputs|workflow)\.parameters\.([\w-]+)\}\}/g)) {
      if (scope === "inputs" && !inputs.has(param!)) problems.push(`${name} uses undeclared input ${param}`);
      if (scope === "workflow" && !workflowParams.has(param!))
        problems.push(`${name} uses undeclared workflow parameter ${param}`);
    }
    const dag = template.dag as Obj | undefined;
    if (!dag) continue;
    const tasks = dag.tasks as Obj[];
    const taskNames = new Set(tasks.map((t) => String(t.name)));
    if (taskNames.size !== tasks.length) problems.push(`${name}: two tasks share a name`);
    for (const task of tasks) {
      const tn = String(task.name);
      if (!DNS_LABEL.test(tn) || tn.length > 63) problems.push(`task name ${tn} is not a DNS-1123 label`);
      const used = byName.get(String(task.template));
      if (!used) problems.push(`task ${tn} uses missing template ${String(task.template)}`);
      for (const dep of (task.dependencies as string[] | undefined) ?? [])
        if (!taskNames.has(dep)) problems.push(`task ${tn} depends on missing task ${dep}`);
      const given = new Set(
        (((task.arguments as Obj | undefined)?.parameters as Obj[] | undefined) ?? []).map((p) =>
          String(p.name),
        ),
      );
      const wanted = (((used?.inputs as Obj | undefined)?.parameters as Obj[] | undefined) ?? []).filter(
        (p) => p.value === undefined && p.default === undefined,
      );
      for (const p of wanted)
        if (!given.has(String(p.name))) problems.push(`task ${tn} does not give ${String(p.name)}`);
    }
    // No cycle: peel tasks whose dependencies are all peeled.
    const left = new Map(tasks.map((t) => [String(t.name), (t.dependencies as string[] | undefined) ?? []]));
    let progress = true;
    while (left.size > 0 && progress) {
      progress = false;
      for (const [tn, deps] of left) {
        if (deps.every((d) => !left.has(d))) {
          left.delete(tn);
          progress = true;
        }
      }
    }
    if (left.size > 0) problems.push(`${name}: cycle among ${[...left.keys()].join(", ")}`);
  }
  return problems;
}
