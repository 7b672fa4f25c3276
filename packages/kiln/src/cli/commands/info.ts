import { ProjectError } from "../../project/index.js";
import { KilnSession } from "../../session/index.js";
import { kilnVersion } from "../../utils/index.js";

/** `kiln info`: Kiln, Node and project versions, and the project's plugins (installed and from settings). */
export async function info(): Promise<void> {
  const lines = [`kiln ${kilnVersion()}`, `node ${process.version}`];
  try {
    const session = await KilnSession.create();
    const { project } = session;
    lines.push(
      `project ${project.name} (${project.root})`,
      `made with kiln ${project.kilnVersion ?? "unknown"}`,
    );
    lines.push(
      session.plugins.length > 0
        ? `plugins: ${session.plugins.map((p) => p.name).join(", ")}`
        : "plugins: none",
    );
  } catch (error) {
    if (!(error instanceof ProjectError && error.code === "KILN_PROJECT_NOT_FOUND")) throw error;
    lines.push("(not inside a Kiln project)");
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}
