import { node, pipeline } from "kiln";
import { firstStep } from "./nodes.js";

/**
 * The {{pipelineName}} pipeline. Add nodes here; `npx kiln run --pipeline {{pipelineName}}` runs it.
 * Outputs not declared in conf/base/catalog.yml stay in memory.
 */
export function createPipeline() {
  return pipeline([
    node({
      func: firstStep,
      inputs: "params:{{pipelineName}}",
      outputs: "{{pipelineName}}_result",
      name: "{{pipelineName}}_first_step",
    }),
  ]);
}
