import { listStarters } from "../../project/index.js";

/** `kiln starter list`: the starters `kiln new --starter` takes, one per line with its description. */
export async function list(): Promise<void> {
  const starters = await listStarters();
  const width = Math.max(0, ...starters.map((s) => s.name.length));
  const lines = starters.map((s) => `${s.name.padEnd(width)}  ${s.description}`.trimEnd());
  process.stdout.write(`${lines.join("\n")}\n`);
}
