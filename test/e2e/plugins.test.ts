// A plugin package installed in a project brings hooks, dataset types, config keys and CLI commands
// without any settings; the project's settings bring dataset types of their own.
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
      "import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';",
      "class ShoutDataset {",
      "  constructor({ filepath }) { this.filepath = filepath; }",
      "  load() { return readFileSync(this.filepath, 'utf8'); }",
      "  save(text) { writeFileSync(this.filepath, String(text).toUpperCase() + '!\\n'); }",
      "  exists() { return existsSync(this.filepath); }",
      "  describe() { return { type: 'audit.ShoutDataset', filepath: this.filepath }; }",
      "}",
      "export default {",
      "  name: 'audit',",
      "  datasets: { 'audit.ShoutDataset': ShoutDataset },",
      "  configPatterns: { audit: ['audit*', 'audit*/**'] },",
      "  hooks: {",
      "    afterNodeRun: ({ node }) => appendFileSync('audit.log', node.name + '\\n'),",
      "    afterContextCreated: async ({ context }) =>",
      "      writeFileSync('audit-config.json', JSON.stringify((await context.configLoader.load('audit')).value)),",
      "  },",
      "  commands: [(program) => program.command('audit').description('show the audit log').option('--upper')",
      "    .action((opts) => { const t = 'audited ' + String(opts.upper ? 'LOUDLY' : 'quietly'); console.log(t); }),",
      "    (program) => program.command('audit-fail').description('fail as a Kiln error').action(async () => {",
      "      const { KilnError } = await import('kiln');",
      "      throw new KilnError('KILN_AUDIT_BROKEN', 'The audit log is broken.', { hint: 'Delete audit.log.' });",
      "    })],",
      "};",
    ].join("\n"),
  );
  await writeFile(
    join(project, "src/settings.ts"),
    [
      'import { existsSync, readFileSync, writeFileSync } from "node:fs";',
      'import { defineSettings } from "kiln";',
      "",
      "/** Writes a flat record as key=value lines. */",
      "class KeyValueDataset {",
      "  readonly filepath: string;",
      "  constructor(config: { filepath: string }) {",
      "    this.filepath = config.filepath;",
      "  }",
      "  load() {",
      '    const lines = readFileSync(this.filepath, "utf8").trim().split("\\n");',
      '    return Object.fromEntries(lines.map((l) => l.split("=")).map(([k, v]) => [k, Number(v)]));',
      "  }",
      "  save(data: Record<string, number>) {",
      '    writeFileSync(this.filepath, Object.entries(data).map(([k, v]) => k + "=" + v).join("\\n") + "\\n");',
      "  }",
      "  exists() {",
      "    return existsSync(this.filepath);",
      "  }",
      "  describe() {",
      '    return { type: "project.KeyValueDataset", filepath: this.filepath };',
      "  }",
      "}",
      "",
      'export default defineSettings({ datasetTypes: { "project.KeyValueDataset": KeyValueDataset } });',
    ].join("\n"),
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
    // Global flags may come before a plugin's command, as before a built-in one.
    expect(kiln("--verbose", "--log-format", "text", "audit", "--upper").stdout).toBe("audited LOUDLY\n");
    expect(kiln("info").stdout).toContain("plugins: audit");
  });

  it("have their errors rendered as Kiln's own: code, message and hint, exit code 2", () => {
    const failed = kiln("audit-fail");
    expect(failed.status).toBe(2);
    expect(failed.stderr).toBe("\nError KILN_AUDIT_BROKEN: The audit log is broken.\n  Delete audit.log.\n");
    const json = kiln("audit-fail", "--log-format", "json");
    expect(JSON.parse(json.stderr)).toEqual({
      level: "error",
      code: "KILN_AUDIT_BROKEN",
      message: "The audit log is broken.",
      hint: "Delete audit.log.",
    });
  });

  it("list their commands in kiln --help and kiln help, as the built-in ones", async () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const help = kiln(...args);
      expect(help.status, args.join(" ")).toBe(0);
      expect(help.stdout).toMatch(/^ {2}audit \[options\] +show the audit log$/m);
      expect(help.stdout).toMatch(/^ {2}run \[options\] /m);
    }
    // Commands of plugins the project's settings declare count too.
    const settings = join(project, "src/settings.ts");
    const original = await readFile(settings, "utf8");
    const hello = [
      "const hello = {",
      '  name: "hello",',
      '  commands: [(program: any) => program.command("hello").description("say hello")],',
      "};",
      "export default defineSettings({ plugins: [hello], datasetTypes",
    ].join("\n");
    await writeFile(settings, original.replace("export default defineSettings({ datasetTypes", hello));
    try {
      expect(kiln("--help").stdout).toMatch(/^ {2}hello +say hello$/m);
    } finally {
      await writeFile(settings, original);
    }
  });

  it("bring dataset types, as the project's settings do", async () => {
    await mkdir(join(project, "data/08_reporting"), { recursive: true });
    await writeFile(
      join(project, "conf/local/catalog.yml"),
      [
        "summary:",
        "  type: audit.ShoutDataset",
        "  filepath: data/08_reporting/summary.txt",
        "metrics:",
        "  type: project.KeyValueDataset",
        "  filepath: data/08_reporting/metrics.txt",
        "",
      ].join("\n"),
    );
    try {
      const run = kiln("run");
      expect(run.status, run.stderr).toBe(0);
      const summary = await readFile(join(project, "data/08_reporting/summary.txt"), "utf8");
      expect(summary).toMatch(/^Y = 2\.995·X \+ 2\.\d{3} {2}\(R² 0\.\d{4}, MAE 0\.\d{4}\)!\n$/);
      const metrics = await readFile(join(project, "data/08_reporting/metrics.txt"), "utf8");
      expect(metrics).toMatch(/^r2=0\.\d+\nmae=0\.\d+\n$/);
      const described = kiln("catalog", "describe-datasets");
      expect(described.stdout).toContain("audit.ShoutDataset");
      expect(described.stdout).toContain("project.KeyValueDataset");
    } finally {
      await rm(join(project, "conf/local/catalog.yml"));
    }
  });

  it("ask for config files: base and the run environment merged, for the plugin and config show", async () => {
    await writeFile(join(project, "conf/base/audit.yml"), "sink: file\nlevel: info\nextra:\n  keep: 7\n");
    await mkdir(join(project, "conf/local/audit"), { recursive: true });
    await writeFile(join(project, "conf/local/audit/levels.yml"), "level: debug\n");
    await mkdir(join(project, "conf/prod"), { recursive: true });
    await writeFile(join(project, "conf/prod/audit_prod.yaml"), "sink: s3\n");
    expect(kiln("run", "--nodes", "make_data").status).toBe(0);
    expect(JSON.parse(await readFile(join(project, "audit-config.json"), "utf8"))).toEqual({
      sink: "file",
      level: "debug",
      extra: { keep: 7 },
    });
    const shown = kiln("config", "show", "audit", "--env", "prod");
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toBe(
      "# environment: prod\naudit:\n  sink: s3\n  level: info\n  extra:\n    keep: 7\n",
    );
  });

  it("add dataset types, which kiln catalog list-types shows with where each comes from", () => {
    const types = kiln("catalog", "list-types");
    expect(types.status).toBe(0);
    expect(types.stdout).toContain('audit.ShoutDataset:\n  aliases: []\n  from: plugin "audit"\n');
    expect(types.stdout).toContain("project.KeyValueDataset:\n  aliases: []\n  from: settings\n");
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
