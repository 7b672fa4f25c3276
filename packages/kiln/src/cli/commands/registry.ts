import { KilnSession } from "../../session/index.js";

/** `kiln registry list`: the registered pipelines, one per line. */
export async function list(): Promise<void> {
  const session = await KilnSession.create();
  const pipelines = await session.pipelines();
  for (const name of Object.keys(pipelines).sort()) process.stdout.write(`- ${name}\n`);
}

/** `kiln registry describe [NAME]`: a pipeline's nodes in execution order, with inputs and outputs. */
export async function describe(name: string | undefined): Promise<void> {
  const session = await KilnSession.create();
  const pipe = await session.selectPipeline(name ? { pipeline: name } : {});
  const lines = [
    `Pipeline ${name ?? "__default__"}: ${pipe.nodes.length} nodes`,
    `Inputs: ${pipe.inputs().join(", ") || "(none)"}`,
    "",
  ];
  for (const n of pipe.nodes) {
    const tags = n.tags.size > 0 ? `  [${[...n.tags].sort().join(", ")}]` : "";
    lines.push(
      `- ${n.name}${tags}`,
      `    ${n.inputs.join(", ") || "(no inputs)"} -> ${n.outputs.join(", ") || "(no outputs)"}`,
    );
  }
  lines.push("", `Outputs: ${pipe.outputs().join(", ") || "(none)"}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}
