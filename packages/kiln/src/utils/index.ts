export { closestMatches, didYouMean, quoteList } from "./did-you-mean.js";
export { importModule, registerTypeScript } from "./import-module.js";
export { lazyYaml } from "./lazy-yaml.js";
export { kilnPackageRoot, kilnVersion } from "./package-root.js";
