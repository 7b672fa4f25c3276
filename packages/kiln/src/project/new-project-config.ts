import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { closestMatches, lazyYaml } from "../utils/index.js";
import { ProjectError } from "./find-project.js";

/** What a `kiln new --config` file may set (Kedro's keys). */
export interface NewProjectConfig {
  name?: string;
  /** Where the project folder goes, resolved against the working directory (`~` is home). */
  directory?: string;
  example?: boolean;
}

const KEYS = ["project_name", "output_dir", "example_pipeline", "example"];

/**
 * `y`, `yes`, `true` → true; `n`, `no`, `false` → false (any case; YAML booleans too).
 * @throws ProjectError `KILN_PROJECT_BAD_OPTION` for anything else, naming `where`.
 */
export function parseYesNo(value: unknown, where: string): boolean {
  if (typeof value === "boolean") return value;
  const text = String(value).trim().toLowerCase();
  if (["y", "yes", "true"].includes(text)) return true;
  if (["n", "no", "false"].includes(text)) return false;
  throw new ProjectError("KILN_PROJECT_BAD_OPTION", `${where} must be y or n, not "${String(value)}".`, {
    hint: `e.g. ${where === "--example" ? "--example y" : `${where}: yes`}`,
  });
}

/** `~` and `~/x` become the home folder; other paths resolve against `cwd`. */
function resolveDir(path: string, cwd: string): string {
  if (path === "~") return homedir();
  if (path.startsWith("~/") || path.startsWith("~\\")) return join(homedir(), path.slice(2));
  return resolve(cwd, path);
}

/**
 * Reads a `kiln new --config` YAML file: `project_name`, `output_dir` (default: the working
 * directory) and `example_pipeline` (or `example`: yes/no), as Kedro's `kedro new --config` does.
 * @throws ProjectError `KILN_PROJECT_BAD_OPTION` when the file cannot be read or has a wrong key or value.
 */
export async function readNewProjectConfig(
  file: string,
  cwd: string = process.cwd(),
): Promise<NewProjectConfig> {
  const path = resolve(cwd, file);
  let doc: unknown;
  try {
    doc = lazyYaml().parse(await readFile(path, "utf8"), { schema: "core" });
  } catch (error) {
    throw new ProjectError(
      "KILN_PROJECT_BAD_OPTION",
      `Could not read --config ${file}: ${(error as Error).message}`,
      {
        hint: "The file is YAML, e.g.\nproject_name: demo\noutput_dir: .\nexample_pipeline: yes",
      },
    );
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ProjectError("KILN_PROJECT_BAD_OPTION", `--config ${file} is not a mapping of options.`, {
      hint: "e.g.\nproject_name: demo\noutput_dir: .\nexample_pipeline: yes",
    });
  }
  const problems: string[] = [];
  const config: NewProjectConfig = {};
  for (const [key, value] of Object.entries(doc)) {
    if (!KEYS.includes(key)) {
      const near = closestMatches(key, KEYS, 1)[0];
      problems.push(`unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ""}`);
    } else if (key === "project_name") {
      if (typeof value === "string") config.name = value;
      else problems.push("project_name must be a string");
    } else if (key === "output_dir") {
      if (typeof value === "string") config.directory = resolveDir(value, cwd);
      else problems.push("output_dir must be a path");
    } else {
      try {
        config.example = parseYesNo(value, key);
      } catch (error) {
        problems.push((error as Error).message.replace(/\.$/, ""));
      }
    }
  }
  if (problems.length > 0) {
    throw new ProjectError("KILN_PROJECT_BAD_OPTION", `--config ${file}: ${problems.join("; ")}.`, {
      hint: `Keys: ${KEYS.join(", ")}.`,
    });
  }
  return config;
}
