/** The part of commander's `Command` the plugin uses (the core hands its program over). */
export interface CommandLike {
  readonly commands: readonly CommandLike[];
  name(): string;
  command(nameAndArgs: string): CommandLike;
  description(text: string): CommandLike;
  option(flags: string, description: string, defaultValue?: string | boolean): CommandLike;
  requiredOption(flags: string, description: string, defaultValue?: string | boolean): CommandLike;
  action(fn: (...args: never[]) => unknown): CommandLike;
}

/**
 * The `kiln models` group, shared by @kiln/tracking (list, show, alias) and @kiln/serve (predict,
 * serve): whichever plugin registers first creates it.
 */
export function modelsGroup(program: CommandLike): CommandLike {
  return (
    program.commands.find((c) => c.name() === "models") ??
    program.command("models").description("packaged models: list, show, alias, predict, serve")
  );
}
