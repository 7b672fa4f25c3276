// A plugin package installed in a project brings hooks and CLI commands without any settings.
import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = new URL("../..", import.meta.url).pathname;
const bin = join(repo, "packages/kiln/bin/kiln.js");
let project: string;

const kiln = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: project, encoding: "utf8" });

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "kiln-plugins-"));
  const example = join(repo, "examples/hello");
  for (const part of ["conf", "src"]) await cp(join(example, part), join(project, part), { recursive: true });
  const pkg = JSON.parse(await readFile(join(example, "package.json"), "utf8"));
  pkg.dependencies["kiln-plugin-audit"] = "*";
  await writeFile(join(project, "package.json"), JSON.stringify(pkg));
  await mkdir(join(project, "node_modules/kiln-plugin-audit"), { recursive: true });
  await symlink(join(repo, "packages/kiln"), join(project, "node_modules/kiln"), "dir");
  await symlink(join(repo, "node_modules/zod"), join(project, "node_modules/zod"), "dir"); // the example's schema uses it
  await writeFile(
    join(project, "node_modules/kiln-plugin-audit/package.json"),
    JSON.stringify({
      name: "kiln-plugin-audit",
      version: "1.0.0",
      type: "module",
      kiln: { plugin: "./plugin.js" },
    }),
  );
  await writeFile(
    join(project, "node_modules/kiln-plugin-audit/plugin.js"),
    [
      "import { appendFileSync } from 'node:fs';",
      "import { JSONDataset } from 'kiln';",
      "export default {",
      "  name: 'audit',",
      "  datasets: { 'audit.JSONDataset': JSONDataset },",
      "  hooks: { afterNodeRun: ({ node }) => appendFileSync('audit.log', node.name + '\\n') },",
      "  commands: [(program) => program.command('audit').description('show the audit log').option('--upper')",
      "    .action((opts) => { const t = 'audited ' + String(opts.upper ? 'LOUDLY' : 'quietly'); console.log(t); })],",
      "};",
    ].join("\n"),
  );
  await writeFile(
    join(project, "src/settings.ts"),
    'import { TextDataset } from "kiln";\nexport default { datasetTypes: { "project.NotesDataset": TextDataset } };\n',
  );
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

describe("plugins from the project's dependencies", () => {
  it("fire their hooks in every run", async () => {
    expect(kiln("run").status).toBe(0);
    expect((await readFile(join(project, "audit.log"), "utf8")).trim().split("\n")).toEqual([
      "make_data",
      "split_data",
      "fit_line",
      "evaluate",
      "report",
    ]);
  });

  it("add CLI commands", () => {
    const audit = kiln("audit", "--upper");
    expect(audit.status).toBe(0);
    expect(audit.stdout).toBe("audited LOUDLY\n");
    expect(kiln("info").stdout).toContain("plugins: audit");
  });

  it("add dataset types, which kiln catalog list-types shows with where each comes from", () => {
    const types = kiln("catalog", "list-types");
    expect(types.status).toBe(0);
    expect(types.stdout).toContain('audit.JSONDataset:\n  aliases: []\n  from: plugin "audit"\n');
    expect(types.stdout).toContain("project.NotesDataset:\n  aliases: []\n  from: settings\n");
    expect(types.stdout).toContain(
      "object.ObjectDataset:\n  aliases: [ pickle.PickleDataset ]\n  from: built-in\n",
    );
  });

  it("leave unknown commands unknown, with a suggestion", () => {
    const typo = kiln("audti");
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("audit");
  });
});
