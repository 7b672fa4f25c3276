/** MLflow's scoring protocol: requests to DataFrames (checked against the signature), results to JSON. */
export { type RequestFormat, requestFormat } from "./content-type.js";
export { encodePredictions, predictionRows } from "./encode-predictions.js";
export {
  frameFromTable,
  frameFromTyped,
  polarsType,
  type TypedColumn,
  type TypedTable,
  typedTable,
} from "./frame-from-table.js";
export {
  type CheckedInvocation,
  type Invocation,
  parseInvocation,
  readInvocation,
} from "./parse-invocation.js";
export { INPUT_FORMATS, type InputFormat } from "./parse-json-request.js";
export { checkParams } from "./request-params.js";
