import { relative } from "node:path";
import { createInterface } from "node:readline";
import nodeRepl, { type REPLServer } from "node:repl";
import { PassThrough, type Readable, type Writable } from "node:stream";
import { parseRuntimeParams } from "../../config/index.js";
import { getDefaultLogger } from "../../logging/index.js";
import { type BootstrapOptions, type BootstrappedProject, bootstrapProject } from "../../session/index.js";
import { kilnVersion } from "../../utils/index.js";

/** `kiln repl`'s options as commander hands them over. */
export interface ReplFlags {
  env?: string;
  params?: string;
  confSource?: string;
}

/** Where a REPL reads and writes; `kiln repl` uses the process's streams. */
export interface ReplOptions extends BootstrapOptions {
  projectPath?: string;
  input: Readable;
  /** Results and uncaught errors. */
  output: Writable;
  /** The banner and what reload() reloaded. */
  info: Writable;
  /** Line editing, history and a prompt (a terminal); otherwise lines run one by one, prompt-less. */
  terminal: boolean;
}

/**
 * `kiln repl`: a Node REPL with the project's `catalog`, `context`, `pipelines` and `session` in
 * scope, top-level await, and `reload()`. With piped input the lines run one after the other and
 * it exits (code 0, as node's REPL does, even after an uncaught error) at the end of the input.
 */
export async function repl(flags: ReplFlags): Promise<void> {
  await startRepl({
    ...(flags.env ? { env: flags.env } : {}),
    ...(flags.confSource ? { confSource: flags.confSource } : {}),
    ...(flags.params ? { runtimeParams: parseRuntimeParams(flags.params) } : {}),
    logger: getDefaultLogger(),
    input: process.stdin,
    output: process.stdout,
    info: process.stderr,
    terminal: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  });
}

/** Runs a REPL over a bootstrapped project until its input ends (or `.exit`). */
export async function startRepl(options: ReplOptions): Promise<void> {
  const { input, output, info, terminal, projectPath, ...bootstrap } = options;
  let project = await bootstrapProject(projectPath, bootstrap);
  const feeder = terminal ? undefined : new LineFeeder(input);
  const server = nodeRepl.start({
    prompt: terminal ? "kiln> " : "",
    input: feeder?.stream ?? input,
    output,
    terminal,
    useGlobal: true, // values keep their prototypes (instanceof works) and live in the process's realm
    ignoreUndefined: true,
  });
  const expose = (p: BootstrappedProject) => {
    Object.assign(server.context, {
      catalog: p.catalog,
      context: p.context,
      pipelines: p.pipelines,
      session: p.session,
    });
  };
  expose(project);
  server.context.reload = async () => {
    const next = await bootstrapProject(projectPath, { ...bootstrap, reimport: true });
    await project.session.close();
    project = next;
    expose(project);
    info.write(`${describeReload(project)}\n`);
  };
  info.write(banner(project));
  feeder?.attach(server);
  await new Promise<void>((resolve) => server.once("exit", resolve));
  await project.session.close();
}

function summary({ session, context, catalog, pipelines }: BootstrappedProject): string[] {
  const conf = relative(session.project.root, session.confSource) || ".";
  return [
    `project ${session.project.name} (${session.project.root}), env ${context.configLoader.env}, conf ${conf.startsWith("..") ? session.confSource : conf}`,
    `  catalog    ${catalog.list().length} entries: await catalog.load("params:…"), catalog.list()`,
    "  context    config of this env: context.parameters.value, context.configLoader",
    `  pipelines  ${Object.keys(pipelines).sort().join(", ")}`,
    '  session    await session.run({ pipeline: "…" }) runs as kiln run does',
  ];
}

function banner(project: BootstrappedProject): string {
  const version = kilnVersion();
  const [first, ...rest] = summary(project);
  return `${[
    `Kiln ${version} REPL, ${first}`,
    "In scope:",
    ...rest,
    "  reload()   await reload() re-reads conf and re-imports the project's code",
    "Top-level await works. .help for commands, .exit or Ctrl+D to leave.",
  ].join("\n")}\n`;
}

function describeReload(project: BootstrappedProject): string {
  const [first, ...rest] = summary(project);
  return [
    `Reloaded ${first}`,
    `  code re-imported from ${project.session.project.sourceDir}/, conf re-read, catalog rebuilt`,
    ...rest,
  ].join("\n");
}

/**
 * Feeds piped input to the REPL one line at a time, each after the previous one has finished
 * (awaits included): node:repl reads a piped chunk's lines at once and would otherwise start
 * `x + 1` before `const x = await …` is done. The REPL shows its prompt when it is ready for
 * the next line, so that is the signal.
 */
class LineFeeder {
  readonly stream = new PassThrough();
  readonly #lines: string[] = [];
  #ready = false; // until attached: the REPL must exist before the first line goes in
  #ended = false;

  constructor(source: Readable) {
    const lines = createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on("line", (line) => {
      this.#lines.push(line);
      this.#pump();
    });
    lines.on("close", () => {
      this.#ended = true;
      this.#pump();
    });
  }

  attach(server: REPLServer): void {
    const display = server.displayPrompt.bind(server);
    server.displayPrompt = (preserveCursor?: boolean) => {
      display(preserveCursor);
      this.#ready = true;
      setImmediate(() => this.#pump());
    };
    this.#ready = true;
    this.#pump();
  }

  #pump(): void {
    if (!this.#ready) return;
    const line = this.#lines.shift();
    if (line !== undefined) {
      this.#ready = false;
      this.stream.write(`${line}\n`);
    } else if (this.#ended) this.stream.end();
  }
}
