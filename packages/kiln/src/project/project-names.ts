import { builtinModules } from "node:module";
import { ProjectError } from "./find-project.js";

// Names Windows refuses for a file or folder, whatever the extension.
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/;

/**
 * Why `name` cannot be a project name (an npm package name that is also a folder name), or an
 * empty list when it can: lowercase letters, digits, `-`, `_` and `.`, starting with a letter or
 * digit, at most 214 characters, not a Node built-in module, not `kiln` itself.
 */
export function projectNameProblems(name: string): string[] {
  if (name.trim() === "") return ["it is empty"];
  const problems: string[] = [];
  if (name.length > 214) problems.push("it is longer than 214 characters");
  if (name !== name.toLowerCase()) problems.push("npm package names are lowercase");
  const bad = [...new Set(name.toLowerCase().replace(/[a-z0-9._-]/g, ""))];
  if (bad.length > 0) problems.push(`it contains ${bad.map((c) => JSON.stringify(c)).join(", ")}`);
  if (/^[._-]/.test(name)) problems.push("it starts with a dot, underscore or hyphen");
  if (name.endsWith(".")) problems.push("it ends with a dot");
  const lower = name.toLowerCase();
  if (lower === "node_modules" || lower === "favicon.ico") problems.push(`"${lower}" is reserved by npm`);
  if (WINDOWS_RESERVED.test(lower)) problems.push(`"${lower}" is a reserved file name on Windows`);
  if (builtinModules.includes(lower)) problems.push(`"${lower}" is a Node.js built-in module`);
  if (lower === "kiln") problems.push("a project named kiln could not depend on kiln");
  return problems;
}

/** A close, valid project name for `name` (lowercased, other characters turned into `-`), if any. */
export function suggestProjectName(name: string): string | undefined {
  const slug = name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+|[._-]+$/g, "")
    .slice(0, 214);
  return slug !== "" && slug !== name && projectNameProblems(slug).length === 0 ? slug : undefined;
}

/** @throws ProjectError `KILN_PROJECT_BAD_NAME` naming every problem, with a suggestion when there is one. */
export function checkProjectName(name: string): void {
  const problems = projectNameProblems(name);
  if (problems.length === 0) return;
  const suggestion = suggestProjectName(name);
  throw new ProjectError(
    "KILN_PROJECT_BAD_NAME",
    `"${name}" cannot be a project name: ${problems.join("; ")}.`,
    {
      hint: `${suggestion ? `Try "${suggestion}". ` : ""}A project name is an npm package name and a folder name: lowercase letters, digits, "-", "_" and ".".`,
    },
  );
}

/**
 * Why `name` cannot be a pipeline name, or an empty list: pipeline names are folder names under
 * `src/pipelines/`, registry keys and parameter keys, so they are snake_case: a lowercase letter,
 * then lowercase letters, digits and underscores (at most 64).
 */
export function pipelineNameProblems(name: string): string[] {
  if (name === "") return ["it is empty"];
  const problems: string[] = [];
  if (!/^[A-Za-z]/.test(name)) problems.push("it does not start with a letter");
  if (/[A-Z]/.test(name)) problems.push("it has uppercase letters");
  const bad = [...new Set(name.replace(/[A-Za-z0-9_]/g, ""))];
  if (bad.length > 0) problems.push(`it contains ${bad.map((c) => JSON.stringify(c)).join(", ")}`);
  if (name.length > 64) problems.push("it is longer than 64 characters");
  return problems;
}

/** @throws ProjectError `KILN_PROJECT_BAD_PIPELINE_NAME` naming every problem, with a suggestion. */
export function checkPipelineName(name: string): void {
  const problems = pipelineNameProblems(name);
  if (problems.length === 0) return;
  const slug = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^[^a-z]+|_+$/g, "")
    .slice(0, 64);
  const suggestion = slug !== "" && slug !== name ? slug : undefined;
  throw new ProjectError(
    "KILN_PROJECT_BAD_PIPELINE_NAME",
    `"${name}" cannot be a pipeline name: ${problems.join("; ")}.`,
    {
      hint: `${suggestion ? `Try "${suggestion}". ` : ""}Pipeline names are snake_case: a lowercase letter, then lowercase letters, digits and "_".`,
    },
  );
}
