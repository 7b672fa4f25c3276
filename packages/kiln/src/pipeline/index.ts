export { shortHash } from "./hash.js";
export { type ModularPipelineOptions, type NameMapping, pipeline } from "./modular.js";
export {
  ALL_PARAMETERS,
  isParameter,
  PARAMS_PREFIX,
  stripTranscoding,
  TRANSCODING_SEPARATOR,
  transcodeParts,
} from "./names.js";
export { Node, type NodeInputs, type NodeOptions, type NodeOutputs, node, type Shape } from "./node.js";
export { Pipeline, type PipelineFilter, type PipelineLike } from "./pipeline.js";
