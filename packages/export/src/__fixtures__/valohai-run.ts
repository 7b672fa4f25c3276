// Runs a valohai.yaml pipeline the way Valohai does, on this machine: nodes in edge order, each
// with its own /valohai/inputs (files from the edges' source outputs, or given ones) and
// /valohai/outputs folders (here under `work`), its command lines run by bash in the project with
// {parameters} built from the step's parameters as Valohai builds them (pass-as, pass-true-as).
import { spawnSync } from "node:child_process";
import { cp, mkdir, readdir } from "node:fs/promises";
import { basename, join } from "node:path";

type Obj = Record<string, any>;

/** What one simulated execution did. */
export interface ValohaiExecution {
  node: string;
  command: string;
  status: number | null;
  output: string;
  outputs: string;
}

/** `'…'` for the shell, as Python's shlex.quote does (Valohai quotes every built argument). */
const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'"'"'`)}'`);

/** Valohai's parameter arguments: each parameter's pass-as with its value (flags: pass-true-as / pass-false-as). */
export function parameterArgs(step: Obj, values: Record<string, unknown> = {}): string[] {
  const args: string[] = [];
  for (const p of (step.parameters ?? []) as Obj[]) {
    const value = p.name in values ? values[p.name] : p.default;
    let template: string | undefined;
    if (p.type === "flag") template = value ? p["pass-true-as"] : p["pass-false-as"];
    else if (value !== undefined && value !== null) template = p["pass-as"] ?? "--{name}={value}";
    if (!template) continue;
    const text = p.type === "flag" ? "" : typeof value === "string" ? value : String(value);
    for (const bit of template.split(/\s+/))
      args.push(bit.replaceAll("{name}", p.name).replaceAll("{value}", text).replaceAll("{v}", text));
  }
  return args;
}

/** `{parameters}` as Valohai interpolates it into a command: the arguments, shell-quoted. */
export function buildParameters(step: Obj, values: Record<string, unknown> = {}): string {
  return parameterArgs(step, values).map(quote).join(" ");
}

/**
 * Runs the pipeline of `doc`. `given` are the files of inputs no edge feeds (input name → path);
 * `parameters` override step defaults (by parameter name). Stops at the first failing node.
 */
export async function runValohaiPipeline(options: {
  doc: Obj[];
  project: string;
  work: string;
  given: Record<string, string>;
  parameters?: Record<string, unknown>;
  path: string;
}): Promise<ValohaiExecution[]> {
  const steps = new Map(options.doc.filter((i) => i.step).map((i) => [i.step.name, i.step as Obj]));
  const pipeline = options.doc.find((i) => i.pipeline)!.pipeline as Obj;
  const edges = (pipeline.edges as Obj[]).map((e) => {
    const [from, , pattern] = String(e.source).split(/\.(output)\./);
    const [to, input] = String(e.target).split(".input.");
    return { from: from!, pattern: pattern!, to: to!, input: input! };
  });
  const done = new Set<string>();
  const executions: ValohaiExecution[] = [];
  const nodes = pipeline.nodes as Obj[];
  while (done.size < nodes.length) {
    const ready = nodes.find(
      (n) => !done.has(n.name) && edges.every((e) => e.to !== n.name || done.has(e.from)),
    );
    if (!ready) throw new Error("the pipeline's edges make a cycle");
    const step = steps.get(ready.step)!;
    const dir = join(options.work, ready.name);
    const inputsDir = join(dir, "inputs");
    const outputsDir = join(dir, "outputs");
    await mkdir(outputsDir, { recursive: true });
    for (const input of (step.inputs ?? []) as Obj[]) {
      const target = join(inputsDir, input.name);
      await mkdir(target, { recursive: true });
      const feeding = edges.filter((e) => e.to === ready.name && e.input === input.name);
      if (feeding.length === 0) {
        const file = options.given[input.name];
        if (!file) throw new Error(`no file given for input ${input.name} of ${ready.name}`);
        await cp(file, join(target, basename(file)));
      }
      for (const e of feeding) {
        // "<folder>/*": the files directly in that output folder; else one output file.
        const source = join(options.work, e.from, "outputs");
        const folder = e.pattern.endsWith("/*") ? e.pattern.slice(0, -2) : undefined;
        const files = folder
          ? (await readdir(join(source, folder))).map((f) => join(folder, f))
          : [e.pattern];
        for (const f of files) await cp(join(source, f), join(target, basename(f)));
      }
    }
    const lines = (step.command as string[]).map((line) =>
      line
        .replaceAll("/valohai/inputs", inputsDir)
        .replaceAll("/valohai/outputs", outputsDir)
        .replace("{parameters}", buildParameters(step, options.parameters)),
    );
    const command = lines.join(" && ");
    const result = spawnSync("bash", ["-c", command], {
      cwd: options.project,
      encoding: "utf8",
      env: { ...process.env, KILN_ENV: "", PATH: `${options.path}:${process.env.PATH}` },
    });
    executions.push({
      node: ready.name,
      command,
      status: result.status,
      output: `${result.stdout}\n${result.stderr}`,
      outputs: outputsDir,
    });
    if (result.status !== 0) break;
    done.add(ready.name);
  }
  return executions;
}
