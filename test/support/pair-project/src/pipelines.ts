import { pipelineML, validationGate } from "@kiln/tracking";
import { node, pipeline } from "kiln";
import { fit, predict, prepare, score } from "./nodes.js";

export function inference() {
  return pipeline([
    node({
      func: predict,
      inputs: ["model", "features", "params:scale", "params:offset"],
      outputs: "predictions",
      name: "predict",
    }),
  ]);
}

export function registerPipelines() {
  const training = pipeline([
    node({ func: prepare, inputs: "rows", outputs: ["features", "target"], name: "prepare" }),
    node({ func: fit, inputs: ["features", "target"], outputs: "model", name: "fit" }),
    node({ func: score, inputs: ["model", "features", "target"], outputs: "score", name: "score" }),
  ]);
  // The same pair with a validation gate: a score below params:model_validation fails the run.
  const gated = training.add(
    pipeline([
      node({ func: (score: number) => ({ score }), inputs: "score", outputs: "metrics", name: "collect" }),
      validationGate({ metrics: "metrics", thresholds: "params:model_validation" }),
    ]),
  );
  return {
    __default__: pipelineML({ training, inference: inference(), inputName: "features" }),
    plain: training,
    gated: pipelineML({ training: gated, inference: inference(), inputName: "features" }),
  };
}
