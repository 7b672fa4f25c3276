import { isAbsolute, relative } from "node:path";
import { createProject, ProjectError, parseYesNo, readNewProjectConfig } from "../../project/index.js";

/** `kiln new`'s options as commander hands them over. */
export interface NewFlags {
  starter?: string;
  example?: string;
  directory?: string;
  config?: string;
}

const shellQuote = (path: string) =>
  /^[\w./~-]+$/.test(path) ? path : `"${path.replace(/(["\\$`])/g, "\\$1")}"`;

/** `kiln new [NAME]`: a project folder from a starter. Flags win over a `--config` file; never prompts. */
export async function newProject(name: string | undefined, flags: NewFlags): Promise<void> {
  const fromFile = flags.config ? await readNewProjectConfig(flags.config) : {};
  const projectName = name ?? fromFile.name;
  if (projectName === undefined) {
    throw new ProjectError("KILN_PROJECT_BAD_NAME", "kiln new needs a project name.", {
      hint: "kiln new my-project (or project_name: my-project in a --config file).",
    });
  }
  const created = await createProject({
    name: projectName,
    starter: flags.starter,
    example: flags.example !== undefined ? parseYesNo(flags.example, "--example") : fromFile.example,
    directory: flags.directory ?? fromFile.directory,
  });
  const where = relative(process.cwd(), created.root);
  const cd = where === "" || where.startsWith("..") || isAbsolute(where) ? created.root : where;
  const lines = [
    `Created ${created.name} in ${created.root} (starter: ${created.starter}${created.examplePipeline ? `, example pipeline: ${created.examplePipeline}` : ""}):`,
    ...created.files.map((f) => `  ${f}`),
    "",
    `kiln comes from ${created.kilnDependency}${created.kilnDependency.startsWith("file:") ? " (this Kiln checkout; see the project's README)" : ""}.`,
    "",
    "Next:",
    `  cd ${shellQuote(cd)}`,
    "  npm install",
    `  npm start${created.starter === "default" ? "      # kiln run" : ""}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
