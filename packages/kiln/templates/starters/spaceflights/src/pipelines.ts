import { fileURLToPath } from "node:url";
import { pipelineML } from "@kiln/tracking";
import { findPipelines, sumPipelines } from "kiln";
import { inferencePipeline } from "./pipelines/data_science/pipeline.js";

/**
 * The project's pipelines: every src/pipelines/<name>/pipeline.ts under its folder name. The
 * __default__ pipeline (what `kiln run` runs) is processing, data science and reporting; the raw data
 * comes from `kiln run --pipeline data_generation`, once (`npm start` does both).
 *
 * __default__ is also a training/inference pair: after each tracked run, the active model's inference
 * pipeline is packaged with the regressor that run fitted, and registered as the model named in
 * conf/base/tracking.yml (`kiln models list`, `kiln models serve -m models:/spaceflights@champion`).
 */
export async function registerPipelines() {
  const pipelines = await findPipelines(fileURLToPath(new URL("..", import.meta.url)));
  const { data_generation: _generation, ...modelling } = pipelines;
  const training = sumPipelines(modelling);
  const inference = inferencePipeline();
  return {
    ...pipelines,
    __default__: pipelineML({ training, inference, inputName: "active_modelling_pipeline.X_test" }),
  };
}
