/**
 * Kiln: reproducible ML and data pipelines in TypeScript.
 * @packageDocumentation
 */
export * from "./catalog/index.js";
export * from "./config/index.js";
export * from "./errors/index.js";
export * from "./hooks/index.js";
export * from "./io/index.js";
export * from "./logging/index.js";
export * from "./pipeline/index.js";
export * from "./project/index.js";
export * from "./runner/index.js";
export * from "./session/index.js";
export { closestMatches, didYouMean, quoteList } from "./utils/index.js";
