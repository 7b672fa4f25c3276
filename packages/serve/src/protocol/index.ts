/** MLflow's scoring protocol: requests to DataFrames (checked against the signature), results to JSON. */
export { type RequestFormat, requestFormat } from "./content-type.js";
export { encodePredictions } from "./encode-predictions.js";
export { frameFromTable, polarsType } from "./frame-from-table.js";
export { type Invocation, parseInvocation } from "./parse-invocation.js";
export { INPUT_FORMATS, type InputFormat } from "./parse-json-request.js";
export { checkParams } from "./request-params.js";
