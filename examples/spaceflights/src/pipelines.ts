import { fileURLToPath } from "node:url";
import { findPipelines, sumPipelines } from "kiln";

/**
 * The project's pipelines: every src/pipelines/<name>/pipeline.ts under its folder name. The
 * __default__ pipeline (what `kiln run` runs) is processing, data science and reporting; the raw data
 * comes from `kiln run --pipeline data_generation`, once (`npm start` does both).
 */
export async function registerPipelines() {
  const pipelines = await findPipelines(fileURLToPath(new URL("..", import.meta.url)));
  const { data_generation: _generation, ...modelling } = pipelines;
  return { ...pipelines, __default__: sumPipelines(modelling) };
}
