export { isConfArchive, type OpenedConfSource, openConfSource } from "./conf-source.js";
export { type ConfigDocument, createConfigDocument } from "./config-document.js";
export { ConfigLoader, type ConfigLoaderOptions } from "./config-loader.js";
export { DEFAULT_CONFIG_PATTERNS } from "./config-patterns.js";
export { type ConfigLocation, formatLocation, RUNTIME_PARAMS_SOURCE } from "./location.js";
export { MASK, maskSecrets } from "./mask-secrets.js";
export type { MergeStrategy } from "./merge.js";
export { parseRuntimeParams } from "./runtime-params.js";
export { type ValidateParametersOptions, validateParameters } from "./validate-parameters.js";
