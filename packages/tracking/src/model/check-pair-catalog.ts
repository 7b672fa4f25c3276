import type { DataCatalog } from "kiln";
import { ModelError } from "./model-error.js";
import type { PipelineML } from "./pipeline-ml.js";

/**
 * The part of a pair's rules that needs the catalog, checked when a run starts: every artifact the
 * inference reads is persisted (declared in the catalog, not kept in memory), so the model can carry
 * the file the run saves. Every problem is reported at once.
 * @throws ModelError `KILN_MODEL_ARTIFACT_NOT_PERSISTED`.
 */
export function checkPairCatalog(pair: PipelineML, catalog: DataCatalog, pipelineName: string): void {
  const inMemory = pair.spec.artifacts.filter(
    (name) => !catalog.has(name) || catalog.get(name).ephemeral === true,
  );
  if (inMemory.length === 0) return;
  const example = inMemory[0]!;
  throw new ModelError(
    "KILN_MODEL_ARTIFACT_NOT_PERSISTED",
    `Pipeline "${pipelineName}" is a training/inference pair, but ${inMemory.map((n) => `"${n}"`).join(", ")}, which the inference pipeline reads, ${inMemory.length === 1 ? "is" : "are"} kept in memory only (a MemoryDataset, or not declared in catalog.yml), so the model could not carry ${inMemory.length === 1 ? "it" : "them"}.`,
    {
      hint: `Declare ${inMemory.length === 1 ? "it" : "each"} in conf/base/catalog.yml as a file dataset, e.g.\n  ${example}:\n    type: json.JSONDataset   # a fitted model as JSON; polars.ParquetDataset for a table\n    filepath: data/06_models/${example}.json\n    versioned: true`,
    },
  );
}
