import { type Node, type Pipeline, quoteList, stripTranscoding } from "kiln";
import { ExportError } from "../errors.js";

/** How nodes become units of work (an Argo task, a Valohai step). */
export type GroupBy = "none" | "namespace";

/** One unit of work: `kiln run --nodes …` or `kiln run --namespaces …` in its own container. */
export interface Unit {
  /** The node name, or the top-level namespace of a group. */
  id: string;
  /** What selects the unit's nodes on the `kiln run` command line. */
  select: { flag: "--nodes" | "--namespaces"; value: string };
  nodes: Node[];
  /** Datasets the unit reads that another unit writes (names as nodes spell them). */
  reads: string[];
  /** Every dataset the unit's nodes write. */
  writes: string[];
  /** Units whose outputs this one reads, sorted. */
  dependsOn: string[];
}

/** A dataset written by one unit and read by another. */
export interface Crossing {
  dataset: string;
  producer: { unit: string; node: string };
  consumers: { unit: string; node: string }[];
}

/** The pipeline cut into units, with what passes between them. */
export interface UnitPlan {
  units: Unit[];
  crossings: Crossing[];
}

const topNamespace = (n: Node) => n.namespace?.split(".")[0];

function unitOf(n: Node, groupBy: GroupBy): string {
  return (groupBy === "namespace" ? topNamespace(n) : undefined) ?? n.name;
}

/** Units in an order where every unit comes after those it depends on. @throws for a cycle between groups. */
function orderUnits(units: Map<string, Unit>, crossings: readonly Crossing[]): Unit[] {
  const done = new Set<string>();
  const order: Unit[] = [];
  let pending = [...units.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  while (pending.length > 0) {
    const ready = pending.filter((u) => u.dependsOn.every((d) => done.has(d)));
    if (ready.length === 0) {
      const stuck = new Set(pending.map((u) => u.id));
      const via = crossings
        .filter((c) => stuck.has(c.producer.unit) && c.consumers.some((k) => stuck.has(k.unit)))
        .map((c) => `"${c.dataset}" (${c.producer.unit} → ${c.consumers.map((k) => k.unit).join(", ")})`);
      throw new ExportError(
        "KILN_EXPORT_GROUP_CYCLE",
        `Grouping by namespace makes the groups ${quoteList([...stuck])} depend on each other in a cycle, through ${via.join("; ")}.`,
        {
          hint: "Export without --group-by (one task per node), or move the nodes between the namespaces so that data flows one way.",
        },
      );
    }
    for (const u of ready) {
      done.add(u.id);
      order.push(u);
    }
    pending = pending.filter((u) => !done.has(u.id));
  }
  return order;
}

/**
 * Cuts `pipe` into units: one per node, or with `namespace` one per top-level namespace (nodes
 * outside any namespace stay alone), and finds which datasets pass between units.
 * @throws ExportError `KILN_EXPORT_EMPTY_PIPELINE`, `KILN_EXPORT_GROUP_CYCLE`.
 */
export function planUnits(pipe: Pipeline, groupBy: GroupBy, pipelineName: string): UnitPlan {
  if (pipe.nodes.length === 0) {
    throw new ExportError(
      "KILN_EXPORT_EMPTY_PIPELINE",
      `Pipeline "${pipelineName}" has no nodes to export.`,
      {
        hint: "Check the pipeline's registration in src/pipelines.ts (kiln registry describe NAME lists its nodes).",
      },
    );
  }
  const units = new Map<string, Unit>();
  const producers = new Map<string, Node>();
  for (const n of pipe.nodes) {
    const id = unitOf(n, groupBy);
    const grouped = groupBy === "namespace" && topNamespace(n) !== undefined;
    let unit = units.get(id);
    if (!unit) {
      unit = {
        id,
        select: grouped ? { flag: "--namespaces", value: id } : { flag: "--nodes", value: n.name },
        nodes: [],
        reads: [],
        writes: [],
        dependsOn: [],
      };
      units.set(id, unit);
    }
    unit.nodes.push(n);
    for (const out of n.outputs) {
      producers.set(stripTranscoding(out), n);
      unit.writes.push(out);
    }
  }
  const crossings = new Map<string, Crossing>();
  for (const n of pipe.nodes) {
    const unit = units.get(unitOf(n, groupBy))!;
    for (const input of n.inputs) {
      const producer = producers.get(stripTranscoding(input));
      if (!producer) continue;
      const from = unitOf(producer, groupBy);
      if (from === unit.id) continue;
      if (!unit.reads.includes(input)) unit.reads.push(input);
      if (!unit.dependsOn.includes(from)) unit.dependsOn.push(from);
      const key = stripTranscoding(input);
      const crossing = crossings.get(key) ?? {
        dataset: input,
        producer: { unit: from, node: producer.name },
        consumers: [],
      };
      crossing.consumers.push({ unit: unit.id, node: n.name });
      crossings.set(key, crossing);
    }
  }
  for (const u of units.values()) u.dependsOn.sort();
  const sortedCrossings = [...crossings.values()].sort((a, b) => (a.dataset < b.dataset ? -1 : 1));
  return { units: orderUnits(units, sortedCrossings), crossings: sortedCrossings };
}
