import { readFile } from "node:fs/promises";
import { findProject, loadSettings } from "../../project/index.js";

/** `kiln info`: Kiln, Node and project versions, and the project's plugins. */
export async function info(): Promise<void> {
  const pkg = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  const lines = [`kiln ${pkg.version}`, `node ${process.version}`];
  try {
    const project = await findProject();
    const settings = await loadSettings(project);
    lines.push(
      `project ${project.name} (${project.root})`,
      `made with kiln ${project.kilnVersion ?? "unknown"}`,
    );
    const plugins = settings.plugins ?? [];
    lines.push(plugins.length > 0 ? `plugins: ${plugins.map((p) => p.name).join(", ")}` : "plugins: none");
  } catch {
    lines.push("(not inside a Kiln project)");
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}
