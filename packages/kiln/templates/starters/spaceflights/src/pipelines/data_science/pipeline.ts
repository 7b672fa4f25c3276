import { node, pipeline } from "kiln";
import { z } from "zod";
import { evaluateModel, predictPrice, splitData, trainModel } from "./nodes.js";

const modelOptions = z.object({
  test_size: z.number().gt(0).lt(1),
  random_state: z.number().int(),
  features: z.array(z.string()).min(1),
});

/** The parameters this pipeline reads (one model_options per namespace); checked before a run starts. */
export const parameters = z.object({
  active_modelling_pipeline: z.object({ model_options: modelOptions }),
  candidate_modelling_pipeline: z.object({ model_options: modelOptions }),
});

/** split → train → evaluate, on the model input table. */
export function basePipeline() {
  return pipeline([
    node({
      func: splitData,
      inputs: ["model_input_table", "params:model_options"],
      outputs: ["X_train", "X_test", "y_train", "y_test"],
      name: "split_data_node",
    }),
    node({
      func: trainModel,
      inputs: ["X_train", "y_train"],
      outputs: "regressor",
      name: "train_model_node",
    }),
    node({
      func: evaluateModel,
      inputs: ["regressor", "X_test", "y_test"],
      outputs: "metrics",
      name: "evaluate_model_node",
    }),
  ]);
}

/**
 * The same modelling steps twice, as Kedro's tutorial does: under the `active_modelling_pipeline`
 * and `candidate_modelling_pipeline` namespaces, each with its own parameters and outputs
 * (`active_modelling_pipeline.regressor`, …), both reading the shared model input table.
 */
export function createPipeline() {
  const namespaced = (namespace: string) =>
    pipeline(basePipeline(), { namespace, inputs: ["model_input_table"], tags: [namespace] });
  return pipeline([namespaced("active_modelling_pipeline"), namespaced("candidate_modelling_pipeline")]);
}

/**
 * What the packaged model runs on each request: the active model's regressor predicts prices for
 * feature rows. Its input is the training run's `X_test` (so the model's signature and input example
 * come from the test rows); `src/pipelines.ts` binds it to training with pipelineML().
 */
export function inferencePipeline() {
  const predictNode = node({
    func: predictPrice,
    inputs: ["regressor", "X_test"],
    outputs: "price_predictions",
    name: "predict_price_node",
  });
  return pipeline([predictNode], { namespace: "active_modelling_pipeline" });
}
