export { closestMatches, didYouMean, quoteList } from "./did-you-mean.js";
