import { ExportError } from "../errors.js";
import type { DatasetInfo } from "./datasets.js";
import type { Crossing, GroupBy } from "./units.js";

/**
 * Fails when data would pass between units in memory: each unit runs in its own container, so a
 * memory dataset written by one is not there for the other (Kedro's deployment guides say the same).
 * @throws ExportError `KILN_EXPORT_MEMORY_DATASET` naming every such dataset, its writer and readers.
 */
export function checkCrossings(
  crossings: readonly Crossing[],
  datasets: ReadonlyMap<string, DatasetInfo>,
  groupBy: GroupBy,
): void {
  const inMemory = crossings.filter((c) => datasets.get(c.dataset)?.kind === "memory");
  if (inMemory.length === 0) return;
  const lines = inMemory.map(
    (c) =>
      `  - "${c.dataset}": written by node "${c.producer.node}", read by ${c.consumers
        .map((k) => `"${k.node}"`)
        .join(", ")}`,
  );
  const count = inMemory.length === 1 ? "1 dataset passes" : `${inMemory.length} datasets pass`;
  throw new ExportError(
    "KILN_EXPORT_MEMORY_DATASET",
    `${count} between nodes in memory, but every exported task runs in its own container, where the other's memory is not:\n${lines.join("\n")}`,
    {
      hint: [
        "Persist them: declare each in conf/base/catalog.yml with a file type and a path on shared storage (s3://…, or a shared volume),",
        groupBy === "namespace"
          ? "or move the nodes that share them into one namespace (one task per namespace with --group-by namespace)."
          : "or run the nodes that share them in one task: --group-by namespace (one task per top-level namespace).",
      ].join(" "),
    },
  );
}
