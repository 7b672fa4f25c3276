export { closestMatches, didYouMean, quoteList } from "./did-you-mean.js";
export { importModule, resolveModuleUrl } from "./import-module.js";
export { lazyYaml } from "./lazy-yaml.js";
export { kilnPackageRoot, kilnVersion } from "./package-root.js";
export { TypeScriptCache, typeScriptCacheFor } from "./typescript-cache.js";
