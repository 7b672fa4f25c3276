import type { Command } from "commander";
import { KilnSession } from "../session/index.js";

/** What a plugin's `commands` entries are: functions that add commands to the `kiln` program. */
export type CommandRegistrar = (program: Command) => void;

/** Adds the commands of the project's plugins (installed ones and those in settings). Outside a project, none. */
export async function addPluginCommands(program: Command): Promise<void> {
  let session: KilnSession;
  try {
    session = await KilnSession.create();
  } catch {
    return; // not in a project: commander reports the unknown command with its suggestions
  }
  for (const plugin of session.plugins) {
    for (const register of plugin.commands ?? []) {
      if (typeof register === "function") (register as CommandRegistrar)(program);
    }
  }
}
