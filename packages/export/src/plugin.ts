import type { Plugin } from "kiln";
import { registerExportCommands } from "./cli/register-commands.js";

/**
 * `@kiln/export` as a Kiln plugin: found in a project's dependencies, it adds `kiln export argo`,
 * `kiln export valohai` and `kiln docker init`.
 */
const plugin: Plugin = { name: "@kiln/export", commands: [registerExportCommands] };
export default plugin;
