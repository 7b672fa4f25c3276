/**
 * @kiln/serve: load a packaged Kiln model, predict in batch, serve MLflow's scoring protocol.
 */

export { type MlflowErrorCode, ScoringRequestError, ServeError } from "./errors.js";
export type { ModelSource } from "./http/model-source.js";
export {
  DEFAULT_BODY_LIMIT,
  DEFAULT_TIMEOUT_MS,
  type ScoringServer,
  type ScoringServerOptions,
  startScoringServer,
} from "./http/scoring-server.js";
export { type ServeModelOptions, serveModel } from "./http/serve-model.js";
export { type Batch, predictionsJson, readBatch, writePredictions } from "./model/batch-files.js";
export { checkParams } from "./model/check-params.js";
export { conformToSignature, isDataFrame } from "./model/conform-input.js";
export { type LoadModelOptions, loadModel } from "./model/load-model.js";
export type * from "./model-types.js";
export { encodePredictions, type Invocation, parseInvocation } from "./protocol/index.js";
