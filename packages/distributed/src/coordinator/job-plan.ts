import { type Node, type Pipeline, stripTranscoding } from "kiln";
import { DistributedError } from "../errors.js";

/** How nodes are put into jobs: one job per node, or one per top-level namespace (Kedro's grouping). */
export type GroupBy = "none" | "namespace";

/** Nodes that run as one job, one after the other in the worker that takes it. */
export interface JobUnit {
  /** The node's name, or `namespace:<name>` for a group. */
  readonly name: string;
  /** In the order they run (the pipeline's topological order). */
  readonly nodes: readonly Node[];
  /** Units whose outputs this one reads. */
  readonly parents: Set<JobUnit>;
  readonly children: Set<JobUnit>;
}

/** The group a node belongs to: its top-level namespace, or the node itself. */
function groupKey(node: Node, groupBy: GroupBy): string {
  if (groupBy === "namespace" && node.namespace !== undefined)
    return `namespace:${node.namespace.split(".")[0]}`;
  return node.name;
}

/**
 * Splits a pipeline into the jobs a distributed run schedules, with the dependencies between them.
 * @throws DistributedError `KILN_DISTRIBUTED_GROUP_CYCLE` when namespace groups depend on each other
 *   in a loop (a node of `a` reads from `b`, which reads from another node of `a`).
 */
export function planJobs(pipeline: Pipeline, groupBy: GroupBy): JobUnit[] {
  const { producer } = pipeline.datasetIndex;
  const byKey = new Map<
    string,
    { name: string; nodes: Node[]; parents: Set<JobUnit>; children: Set<JobUnit> }
  >();
  const unitOf = new Map<Node, JobUnit>();
  for (const node of pipeline.nodes) {
    const key = groupKey(node, groupBy);
    let unit = byKey.get(key);
    if (!unit) {
      unit = { name: key, nodes: [], parents: new Set(), children: new Set() };
      byKey.set(key, unit);
    }
    unit.nodes.push(node);
    unitOf.set(node, unit);
  }
  for (const node of pipeline.nodes) {
    const unit = unitOf.get(node)!;
    for (const input of node.inputs) {
      const from = producer.get(stripTranscoding(input));
      const parent = from && unitOf.get(from);
      if (parent && parent !== unit) {
        unit.parents.add(parent);
        parent.children.add(unit);
      }
    }
  }
  const units = [...byKey.values()];
  if (groupBy !== "none") checkAcyclic(units);
  return units;
}

/** Kahn's algorithm over the units; what is left over is in a loop. */
function checkAcyclic(units: readonly JobUnit[]): void {
  const waiting = new Map(units.map((u) => [u, u.parents.size]));
  const ready = units.filter((u) => u.parents.size === 0);
  let seen = 0;
  while (ready.length > 0) {
    const unit = ready.pop()!;
    seen++;
    for (const child of unit.children) {
      const left = waiting.get(child)! - 1;
      waiting.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  if (seen === units.length) return;
  const stuck = units.filter((u) => waiting.get(u)! > 0).map((u) => u.name.replace(/^namespace:/, ""));
  throw new DistributedError(
    "KILN_DISTRIBUTED_GROUP_CYCLE",
    `Grouped by namespace, these namespaces depend on each other in a loop: ${stuck.map((s) => `"${s}"`).join(", ")}; one job per namespace cannot run.`,
    {
      hint: "A node outside a namespace sits between two nodes of one namespace. Move it into the namespace (or out of the loop), or run without group_by.",
    },
  );
}
