import { createPipelineFiles, deletePipelineFiles, findProject } from "../../project/index.js";

/** `kiln pipeline create NAME`: a pipeline folder, its parameters file and a test. */
export async function create(name: string): Promise<void> {
  const project = await findProject();
  const files = await createPipelineFiles({ project, name });
  const lines = [
    `Created pipeline ${name}:`,
    ...files.map((f) => `  ${f}`),
    "",
    `Run it: npx kiln run --pipeline ${name}`,
    "Test it: npm test",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** `kiln pipeline delete NAME --yes`: removes the files `kiln pipeline create` made. */
export async function remove(name: string, flags: { yes?: boolean }): Promise<void> {
  const project = await findProject();
  const { removed, kept } = await deletePipelineFiles({ project, name, yes: Boolean(flags.yes) });
  const lines = [`Deleted pipeline ${name}:`, ...removed.map((f) => `  ${f}`)];
  if (kept.length > 0) lines.push("Kept (not made by kiln pipeline create):", ...kept.map((f) => `  ${f}`));
  lines.push("Catalog entries in conf/ were left as they are.");
  process.stdout.write(`${lines.join("\n")}\n`);
}
