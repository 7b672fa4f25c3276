/** The part of commander's `Command` the plugin uses (the core hands its program over). */
export interface CommandLike {
  command(nameAndArgs: string): CommandLike;
  description(text: string): CommandLike;
  option(flags: string, description: string, defaultValue?: string | boolean): CommandLike;
  action(fn: (...args: never[]) => unknown): CommandLike;
}

const commands = () => import("./commands.js");

/**
 * Adds `kiln export argo | valohai` and `kiln docker init`. Each command's code loads when it runs,
 * so `kiln --help` and other commands pay nothing for them.
 */
export function registerExportCommands(program: CommandLike): void {
  const exporter = program
    .command("export")
    .description("write a pipeline as an Argo Workflows or Valohai definition (@kiln/export)");
  exporter
    .command("argo")
    .description("an Argo Workflows DAG whose tasks run kiln run --nodes … in your image")
    .option("--pipeline <name>", "the registered pipeline to export", "__default__")
    .option("--image <image>", "the image every task runs (see kiln docker init)")
    .option("--namespace <namespace>", "the Kubernetes namespace of the workflow")
    .option(
      "--group-by <how>",
      "none (a task per node) or namespace (a task per top-level namespace)",
      "none",
    )
    .option(
      "--kind <kind>",
      "Workflow (run once) or WorkflowTemplate (stored, submitted by name)",
      "Workflow",
    )
    .option("-e, --env <env>", "the config environment the export reads and the tasks run with")
    .option("-p, --params <a.b=1,...>", "the default of the workflow's params argument (kiln run --params)")
    .option("--volume-claim <claim>", "a ReadWriteMany PersistentVolumeClaim mounted over the data folders")
    .option("-o, --output <file>", "write the YAML to this file (default: standard output)")
    .action(async (flags: Record<string, string | undefined>) => (await commands()).argo(flags));
  exporter
    .command("valohai")
    .description("a valohai.yaml: a step per node with typed parameters, inputs, outputs and a pipeline")
    .option("--pipeline <name>", "the registered pipeline to export", "__default__")
    .option("--image <image>", "the image every step runs (see kiln docker init)")
    .option(
      "--group-by <how>",
      "none (a step per node) or namespace (a step per top-level namespace)",
      "none",
    )
    .option(
      "--conf-env <env>",
      "the conf environment written for the steps (conf/<env>/catalog.yml)",
      "valohai",
    )
    .option("-o, --output <file>", "where to write the Valohai config", "valohai.yaml")
    .option("--force", "replace files that kiln export did not write")
    .action(async (flags: Record<string, string | boolean | undefined>) => (await commands()).valohai(flags));
  program
    .command("docker")
    .description("container images of the project (@kiln/export)")
    .command("init")
    .description("write a Dockerfile and .dockerignore: the project installed, kiln as entrypoint")
    .option("--force", "replace an existing Dockerfile or .dockerignore")
    .action(async (flags: { force?: boolean }) => (await commands()).dockerInit(flags));
}
