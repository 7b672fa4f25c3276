export { EXIT, renderError } from "./render-error.js";
