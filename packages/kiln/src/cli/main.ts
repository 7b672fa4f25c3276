#!/usr/bin/env node
// The `kiln` command. Only commander loads at start-up; each command imports its module when run,
// so `kiln --help` stays fast.
import { Command, CommanderError, Option } from "commander";
import { kilnVersion } from "../utils/index.js";
import { commaList, commandWord, joined } from "./parse-args.js";

const program = new Command("kiln")
  .description("Reproducible ML and data pipelines in TypeScript.")
  .version(kilnVersion())
  .option("-q, --quiet", "only warnings and errors")
  .option("-v, --verbose", "debug logging and error stacks")
  .addOption(
    new Option("--log-format <format>", "log line format (default: conf/logging.yml, else text)").choices([
      "text",
      "json",
    ]),
  )
  .showSuggestionAfterError(true)
  .exitOverride();

/** Wraps a command: sets up logging, runs it, renders errors with the right exit code. */
function action<A extends unknown[]>(body: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    const globals = program.opts<{ quiet?: boolean; verbose?: boolean; logFormat?: "text" | "json" }>();
    const { setUpLogging } = await import("./logging-setup.js");
    setUpLogging(globals);
    try {
      await body(...args);
    } catch (error) {
      const { renderError } = await import("./render-error.js");
      process.exitCode = renderError(error, {
        verbose: Boolean(globals.verbose),
        json: globals.logFormat === "json",
      });
    }
  };
}

const list = (value: string, previous?: string[]) => commaList(value, previous);

program
  .command("run")
  .description("run a pipeline (the __default__ one unless --pipeline says otherwise)")
  .option("--pipeline <name>", "the registered pipeline to run")
  .option("--pipelines <names>", "several pipelines, comma-separated, run as one", list)
  .option("-e, --env <env>", "the config environment (default: local, or KILN_ENV)")
  .option("-n, --nodes <names>", "run only these nodes", list)
  .option("--from-nodes <names>", "run from these nodes downstream", list)
  .option("--to-nodes <names>", "run up to these nodes", list)
  .option("--from-inputs <datasets>", "run what depends on these datasets", list)
  .option("--to-outputs <datasets>", "run what produces these datasets", list)
  .option("-t, --tags <tags>", "run nodes with any of these tags", list)
  .option("--namespaces <namespaces>", "run nodes in these namespaces", list)
  .option("-r, --runner <runner>", "sequential, concurrent, parallel or a module path")
  // Parsed by the command, so a malformed value is reported like every other usage error.
  .option("--runner-params <k=v,...>", "runner options, e.g. max_workers=4", joined)
  .option("--load-versions <name:version,...>", "load these dataset versions", joined)
  // Repeatable: exported tasks pass one --params per parameter (Valohai's {parameters}).
  .option(
    "-p, --params <a.b=1,...>",
    "override parameters (values typed as YAML scalars; repeatable)",
    joined,
  )
  .option("--conf-source <path>", "the conf folder, or a .tar.gz, .tgz or .zip of it")
  .option("--only-missing-outputs", "skip nodes whose persisted outputs exist")
  .option("-c, --config <file>", "read options from the run: section of a YAML file (flags win)")
  .action(
    action(async (flags: Record<string, unknown>, command: Command) => {
      const { run } = await import("./commands/run.js");
      const optionNames = command.options.map((o) => o.attributeName());
      await run(flags, { argv: process.argv.slice(2), optionNames });
    }),
  );

const registry = program.command("registry").description("the project's registered pipelines");
registry
  .command("list")
  .description("list the registered pipelines")
  .action(action(async () => (await import("./commands/registry.js")).list()));
registry
  .command("describe [name]")
  .description("show a pipeline's nodes in execution order")
  .action(action(async (name?: string) => (await import("./commands/registry.js")).describe(name)));

const catalog = program.command("catalog").description("the data catalog");
const catalogCommand = (
  name: string,
  description: string,
  fn: "describeDatasets" | "listPatterns" | "resolvePatterns",
) =>
  catalog
    .command(name)
    .description(description)
    .option("-e, --env <env>", "the config environment")
    .option("-p, --pipeline <names>", "only these pipelines", list)
    .action(
      action(async (flags: { env?: string; pipeline?: string[] }) =>
        (await import("./commands/catalog.js"))[fn](flags),
      ),
    );
catalogCommand(
  "describe-datasets",
  "the pipelines' datasets: declared, from factories, or in memory",
  "describeDatasets",
);
catalogCommand("list-patterns", "the dataset factory patterns, in the order they are tried", "listPatterns");
catalogCommand("resolve-patterns", "the config each factory-matched dataset resolves to", "resolvePatterns");
catalog
  .command("list-types")
  .description("the dataset types a catalog can name, with Kedro's names and where each comes from")
  .action(action(async () => (await import("./commands/catalog.js")).listTypes()));

program
  .command("config")
  .description("configuration")
  .command("show [key]")
  .description("print the merged config (credentials masked)")
  .option("-e, --env <env>", "the config environment")
  .option("-p, --params <a.b=1,...>", "runtime parameters, as for kiln run (values typed as YAML scalars)")
  .action(
    action(async (key: string | undefined, flags: { env?: string; params?: string }) =>
      (await import("./commands/config.js")).show(key, flags),
    ),
  );

program
  .command("info")
  .description("versions and plugins")
  .action(action(async () => (await import("./commands/info.js")).info()));

program
  .command("repl")
  .description("a Node REPL with the project's catalog, context, pipelines and session (reload() re-reads)")
  .option("-e, --env <env>", "the config environment")
  .option("-p, --params <a.b=1,...>", "override parameters (values typed as YAML scalars)")
  .option("--conf-source <path>", "the conf folder, or a .tar.gz, .tgz or .zip of it")
  .action(
    action(async (flags: { env?: string; params?: string; confSource?: string }) =>
      (await import("./commands/repl.js")).repl(flags),
    ),
  );

program
  .command("package")
  .description("archive the project's code and conf (no conf/local, no credentials) to run elsewhere")
  .option("-o, --output <dir>", "where the .tar.gz files go (default: <project>/dist)")
  .action(
    action(async (flags: { output?: string }) =>
      (await import("./commands/package.js")).packageCommand(flags),
    ),
  );

program
  .command("new [name]")
  .description("create a project folder from a starter (never prompts)")
  .option("--starter <name>", "the starter to lay over the base template (kiln starter list)")
  .option("--example <y|n>", "add a small example pipeline (default: n)")
  .option("--directory <dir>", "where the project folder goes (default: the working directory)")
  .option("-c, --config <file>", "read project_name, output_dir and example_pipeline from a YAML file")
  .action(
    action(async (name: string | undefined, flags: Record<string, string | undefined>) =>
      (await import("./commands/new.js")).newProject(name, flags),
    ),
  );

program
  .command("starter")
  .description("project starters for kiln new")
  .command("list")
  .description("list the starters and what each makes")
  .action(action(async () => (await import("./commands/starter.js")).list()));

const pipelineCommand = program.command("pipeline").description("add and remove the project's pipelines");
pipelineCommand
  .command("create <name>")
  .description("a new pipeline: src/pipelines/<name>/, its parameters file and a test")
  .action(action(async (name: string) => (await import("./commands/pipeline.js")).create(name)));
pipelineCommand
  .command("delete <name>")
  .description("remove the files kiln pipeline create made (only with --yes)")
  .option("-y, --yes", "really remove them (kiln never prompts)")
  .action(
    action(async (name: string, flags: { yes?: boolean }) =>
      (await import("./commands/pipeline.js")).remove(name, flags),
    ),
  );

// A command the core does not have may come from a plugin: only then are the project's plugins
// loaded, so built-in commands stay fast. The top-level help lists plugin commands too, when a quick
// look at the project says it may have plugins.
// The command word may follow global flags (`kiln -v tracking runs`).
const first = commandWord(process.argv.slice(2));
const pluginCommand = first !== undefined && !program.commands.some((c) => c.name() === first);
const topLevelHelp =
  first === undefined && !process.argv.slice(2).some((a) => a === "-V" || a === "--version");
if (pluginCommand || (topLevelHelp && (await import("./project-plugins.js")).mayHavePlugins(process.cwd()))) {
  const { addPluginCommands } = await import("./plugin-commands.js");
  await addPluginCommands(program);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage mistakes exit 2.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    // A plugin's command has no action() wrapper: its errors are rendered here, as Kiln's are.
    const globals = program.opts<{ verbose?: boolean; logFormat?: "text" | "json" }>();
    const { renderError } = await import("./render-error.js");
    process.exitCode = renderError(error, {
      verbose: Boolean(globals.verbose),
      json: globals.logFormat === "json",
    });
  }
}
