import { mkdir, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { getDefaultLogger } from "kiln";
import { exportArgo } from "../argo/export-argo.js";
import { dockerInit as writeDockerFiles } from "../docker/docker-init.js";
import { exportValohai, valohaiFiles } from "../valohai/export-valohai.js";
import { writeGenerated } from "../write-generated.js";

const print = (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
const warn = (warnings: readonly string[]) => {
  for (const w of warnings) getDefaultLogger().warn(w);
};
const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const optional = <K extends string>(key: K, v: unknown): { [P in K]?: string } =>
  (typeof v === "string" ? { [key]: v } : {}) as { [P in K]?: string };

/** `kiln export argo`: the YAML to standard output, or to `-o FILE`. */
export async function argo(flags: Record<string, string | undefined>): Promise<void> {
  const result = await exportArgo({
    image: flags.image ?? "",
    ...optional("pipeline", flags.pipeline),
    ...optional("groupBy", flags.groupBy),
    ...optional("kind", flags.kind),
    ...optional("namespace", flags.namespace),
    ...optional("env", flags.env),
    ...optional("params", flags.params),
    ...optional("volumeClaim", flags.volumeClaim),
  });
  warn(result.warnings);
  if (!flags.output) {
    process.stdout.write(result.yaml);
    return;
  }
  const target = resolve(flags.output);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, result.yaml);
  print(`Wrote ${relative(process.cwd(), target) || target}: ${result.taskNames.size} tasks.`);
}

/** `kiln export valohai`: valohai.yaml and conf/<env>/catalog.yml in the project. */
export async function valohai(flags: Record<string, string | boolean | undefined>): Promise<void> {
  const result = await exportValohai({
    image: str(flags.image) ?? "",
    ...optional("pipeline", flags.pipeline),
    ...optional("groupBy", flags.groupBy),
    ...optional("confEnv", flags.confEnv),
  });
  // -o is relative to where the command runs, like any path argument.
  const output = resolve(str(flags.output) ?? "valohai.yaml");
  const files = valohaiFiles(result, relative(result.projectRoot, output));
  await writeGenerated(files, { root: result.projectRoot, ...(flags.force === true ? { force: true } : {}) });
  const shown = [...files.keys()].map((f) => relative(process.cwd(), f) || f);
  print(
    `Wrote ${shown.join(" and ")}: ${result.stepNames.size} steps. Commit both; run it with: vh pipeline run ${result.pipelineName}`,
  );
}

/** `kiln docker init`: Dockerfile and .dockerignore in the project. */
export async function dockerInit(flags: { force?: boolean }): Promise<void> {
  const result = await writeDockerFiles(flags.force ? { force: true } : {});
  warn(result.warnings);
  print(
    `Wrote ${result.files.join(" and ")}. Build and push the image, then export with it:\n` +
      "  docker build -t registry.example.com/team/project:1.0 . && docker push registry.example.com/team/project:1.0\n" +
      "  kiln export argo --image registry.example.com/team/project:1.0 -o workflow.yaml",
  );
}
