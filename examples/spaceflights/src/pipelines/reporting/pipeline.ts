import { node, pipeline } from "kiln";
import { comparePassengerCapacity, createConfusionMatrix } from "./nodes.js";

/** Charts for people: capacity by shuttle type, and how well the active model sorts prices into bands. */
export function createPipeline() {
  return pipeline([
    node({
      func: comparePassengerCapacity,
      inputs: "preprocessed_shuttles",
      outputs: "shuttle_passenger_capacity_plot",
      name: "compare_passenger_capacity",
    }),
    node({
      func: createConfusionMatrix,
      inputs: ["model_input_table", "active_modelling_pipeline.regressor"],
      outputs: "price_band_confusion_matrix",
      name: "create_confusion_matrix",
    }),
  ]);
}
