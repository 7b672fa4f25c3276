import { type DataCatalog, type Node, type Pipeline, quoteList, stripTranscoding } from "kiln";
import { DistributedError } from "../errors.js";
import type { JobUnit } from "./job-plan.js";

/** Where a distributed run would need data that lives only in one process's memory. */
export interface MemoryCrossings {
  /** Made by one job and read by another, which may run on another machine. */
  between: Array<{ dataset: string; producer: string; readers: string[] }>;
  /** Given to the run in this process's memory (parameters excepted: workers read them from config). */
  inputs: Array<{ dataset: string; readers: string[] }>;
  /** Made in memory and read by no node: they stay with the worker that makes them. */
  outputs: string[];
}

const isParameter = (name: string) => name === "parameters" || name.startsWith("params:");

/** Finds the memory datasets of `pipeline` that jobs of `units` would need to pass between processes. */
export async function findMemoryCrossings(
  pipeline: Pipeline,
  catalog: DataCatalog,
  units: readonly JobUnit[],
): Promise<MemoryCrossings> {
  const unitOf = new Map<Node, JobUnit>();
  for (const unit of units) for (const node of unit.nodes) unitOf.set(node, unit);
  const { producer, consumers } = pipeline.datasetIndex;
  const inMemory = (name: string) => catalog.has(name) && catalog.get(name).ephemeral === true;
  const crossings: MemoryCrossings = { between: [], inputs: [], outputs: [] };
  for (const name of pipeline.datasets()) {
    if (!inMemory(name)) continue;
    const made = producer.get(stripTranscoding(name));
    const readers = consumers.get(stripTranscoding(name)) ?? [];
    if (made === undefined) {
      if (!isParameter(name) && (await catalog.exists(name)))
        crossings.inputs.push({ dataset: name, readers: readers.map((n) => n.name) });
      continue;
    }
    if (readers.length === 0) {
      crossings.outputs.push(name);
      continue;
    }
    const elsewhere = readers.filter((r) => unitOf.get(r) !== unitOf.get(made));
    if (elsewhere.length > 0)
      crossings.between.push({ dataset: name, producer: made.name, readers: elsewhere.map((n) => n.name) });
  }
  return crossings;
}

/** The error for memory data a run cannot carry, naming every dataset and its nodes. */
export function memoryCrossingError(crossings: MemoryCrossings): DistributedError {
  const lines = [
    ...crossings.between.map(
      (c) => `"${c.dataset}" (made by "${c.producer}", read by ${quoteList(c.readers)})`,
    ),
    ...crossings.inputs.map(
      (c) => `"${c.dataset}" (given to the run in memory, read by ${quoteList(c.readers)})`,
    ),
  ];
  return new DistributedError(
    "KILN_DISTRIBUTED_MEMORY_DATASET",
    `${lines.length === 1 ? "A dataset" : `${lines.length} datasets`} in memory would have to pass between jobs that may run on different workers: ${lines.join("; ")}.`,
    {
      hint: "Declare them in the catalog on storage every worker reaches (a shared folder, S3, a SQL table); or keep their nodes in one job (one namespace, with --runner-params group_by=namespace); or carry small values in Redis: --runner-params memory=redis.",
    },
  );
}
