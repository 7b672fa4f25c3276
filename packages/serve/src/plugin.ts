import type { Plugin } from "kiln";
import { registerModelPredictCommand, registerServeCommands } from "./cli/register-commands.js";
import { registerMonitorCommands } from "./cli/register-monitor.js";

/**
 * `@kiln/serve` as a Kiln plugin: found in a project's dependencies, it adds `kiln models serve`
 * (to the `kiln models` group @kiln/tracking shares) and `kiln monitor drift`.
 */
const plugin: Plugin = {
  name: "@kiln/serve",
  commands: [registerModelPredictCommand, registerServeCommands, registerMonitorCommands],
};
export default plugin;
