import type { Plugin } from "kiln";
import { registerModelPredictCommand } from "./cli/register-commands.js";

/**
 * `@kiln/serve` as a Kiln plugin: found in a project's dependencies, it adds
 * `kiln models predict` and `kiln models serve` (to the `kiln models` group @kiln/tracking starts).
 */
const plugin: Plugin = {
  name: "@kiln/serve",
  commands: [registerModelPredictCommand],
};
export default plugin;
