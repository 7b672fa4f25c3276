import { node, pipeline } from "kiln";
import { createModelInputTable, preprocessCompanies, preprocessShuttles } from "./nodes.js";

/** Cleans the raw files and joins them into the table the models learn from. */
export function createPipeline() {
  return pipeline([
    node({
      func: preprocessCompanies,
      inputs: "companies",
      outputs: "preprocessed_companies",
      name: "preprocess_companies_node",
    }),
    node({
      func: preprocessShuttles,
      inputs: "shuttles",
      outputs: "preprocessed_shuttles",
      name: "preprocess_shuttles_node",
    }),
    node({
      func: createModelInputTable,
      inputs: ["preprocessed_shuttles", "preprocessed_companies", "reviews"],
      outputs: "model_input_table",
      name: "create_model_input_table_node",
    }),
  ]);
}
