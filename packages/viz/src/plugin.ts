import type { Plugin } from "kiln";
import { registerVizCommands } from "./cli/viz-command.js";

/** `@kiln/viz` as a Kiln plugin: found in a project's dependencies, it adds `kiln viz`. */
const plugin: Plugin = { name: "@kiln/viz", commands: [registerVizCommands] };
export default plugin;
