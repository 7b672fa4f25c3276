/**
 * @kiln/serve: load a packaged Kiln model, predict in batch, serve MLflow's scoring protocol.
 */

export { type Batch, predictionsJson, readBatch, writePredictions } from "./model/batch-files.js";
export { checkParams } from "./model/check-params.js";
export { conformToSignature, isDataFrame } from "./model/conform-input.js";
export { type LoadModelOptions, loadModel } from "./model/load-model.js";
export type * from "./model-types.js";
