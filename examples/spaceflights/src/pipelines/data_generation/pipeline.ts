import { node, pipeline } from "kiln";
import { generateRawData } from "./nodes.js";

/**
 * Writes the raw companies, reviews and shuttles files into data/01_raw. Run it once before the
 * other pipelines: `npx kiln run --pipeline data_generation` (`npm start` does it when they are missing).
 */
export function createPipeline() {
  return pipeline([
    node({
      func: generateRawData,
      inputs: "params:data_generation",
      outputs: ["companies", "reviews", "shuttles"],
      name: "generate_raw_data",
      tags: ["raw"],
    }),
  ]);
}
