/**
 * @kiln/serve: load a packaged Kiln model, predict in batch, serve MLflow's scoring protocol.
 */
export type * from "./model-types.js";
