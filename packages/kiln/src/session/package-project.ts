import { existsSync } from "node:fs";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { KilnError } from "../errors/index.js";
import { findProject } from "../project/index.js";

/** Options of {@link packageProject}. */
export interface PackageOptions {
  /** A folder inside the project (default: the working directory). */
  projectPath?: string;
  /** Where the archives go (default `<project>/dist`). */
  outputDir?: string;
}

/** The archives {@link packageProject} wrote and what the project one holds. */
export interface PackageResult {
  /** `<project>-<version>.tar.gz`: package.json, lock file, tsconfig.json, the source and conf folders. */
  project: string;
  /** `conf-<project>.tar.gz`: `conf/` alone, for `kiln run --conf-source`. */
  conf: string;
  /** The project archive's files, relative to the project, sorted. */
  files: string[];
}

/** Files never packaged, wherever they are: credentials and dotenv files hold secrets. */
const SECRET = /^(credentials|\.env)/i;
const SKIPPED_FOLDERS = new Set(["node_modules", ".git", ".kiln"]);

/**
 * Packs a project to run elsewhere: `<project>-<version>.tar.gz` holds package.json,
 * package-lock.json and tsconfig.json (when present), the source folder and `conf/`, with paths
 * relative to the project root (`tar -xzf … -C app`, then `npm ci` and `kiln run`);
 * `conf-<project>.tar.gz` holds `conf/` alone. Both leave out `conf/local/` (a machine's own
 * settings and secrets) and every `credentials*` and `.env*` file.
 *
 * @throws KilnError `KILN_PACKAGE_MISSING_FOLDER` when the project has no source or conf folder.
 */
export async function packageProject(options: PackageOptions = {}): Promise<PackageResult> {
  const project = await findProject(options.projectPath ?? process.cwd());
  const root = project.root;
  const outputDir = resolve(options.outputDir ?? join(root, "dist"));
  const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { version?: unknown };
  const version = typeof pkg.version === "string" ? pkg.version : "0.0.0";
  const name = project.name.replace(/^@/, "").replace(/[^\w.-]+/g, "-");

  for (const folder of [project.sourceDir, "conf"]) {
    if (!existsSync(join(root, folder))) {
      throw new KilnError("KILN_PACKAGE_MISSING_FOLDER", `The project has no ${folder}/ folder to package.`, {
        hint: `kiln package archives ${project.sourceDir}/ and conf/ of ${root}; create the missing folder or run from the right project.`,
      });
    }
  }
  const skip = (path: string) => path === outputDir || path === join(root, "conf", "local");
  const conf = await listFiles(root, join(root, "conf"), skip);
  const files = [
    ...["package.json", "package-lock.json", "tsconfig.json"].filter((f) => existsSync(join(root, f))),
    ...(await listFiles(root, join(root, project.sourceDir), skip)),
    ...conf,
  ].sort();

  await mkdir(outputDir, { recursive: true });
  const { c: createTar } = await import("tar");
  const projectArchive = join(outputDir, `${name}-${version}.tar.gz`);
  const confArchive = join(outputDir, `conf-${name}.tar.gz`);
  await createTar({ file: projectArchive, cwd: root, gzip: true, portable: true }, files);
  await createTar({ file: confArchive, cwd: root, gzip: true, portable: true }, conf);
  return { project: projectArchive, conf: confArchive, files };
}

/** Files under `dir`, relative to `root` with `/` separators, minus secrets and skipped folders. */
async function listFiles(root: string, dir: string, skip: (path: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path) || SECRET.test(entry.name)) continue;
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) out.push(...(await listFiles(root, path, skip)));
    } else if (entry.isFile()) out.push(relative(root, path).split(sep).join("/"));
  }
  return out;
}
