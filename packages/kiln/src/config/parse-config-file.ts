import { readFile } from "node:fs/promises";
import type { YAMLError } from "yaml";
import { ConfigError } from "../errors/index.js";
import { lazyYaml } from "../utils/index.js";
import { type ConfigLocation, formatLocation } from "./location.js";
import { clonePlain, isPlainObject } from "./object-path.js";
import type { SourceMap } from "./source-map.js";
import { walkYaml } from "./yaml-locations.js";

/** One configuration file, parsed: its top-level mapping and where each value is set. */
export interface ParsedConfigFile {
  file: string;
  value: Record<string, unknown>;
  locations: SourceMap;
}

/** A YAML parser message without the position and source excerpt (we print our own, and the excerpt could show a secret). */
function describe(error: YAMLError): string {
  const first = error.message.split("\n")[0] ?? error.message;
  return first.replace(/ at line \d+, column \d+:?\s*$/, "").replace(/:$/, "");
}

/** How to fix the common YAML mistakes, by the parser's error code. */
const SYNTAX_HINTS: Record<string, string> = {
  TAB_AS_INDENT: "Indent with spaces; YAML does not allow tabs for indentation.",
  DUPLICATE_KEY: "Each key may appear once in a mapping; remove or rename one of them.",
  MULTIPLE_DOCS: "Keep one YAML document per file: remove the `---` separator or split the file.",
  BLOCK_AS_IMPLICIT_KEY: "Quote the value if it contains `: `, or put the nested mapping on its own lines.",
};

function syntaxError(file: string, errors: readonly YAMLError[]): ConfigError {
  const lines = errors.map((error) => {
    const pos = error.linePos?.[0];
    const where: ConfigLocation = { file, line: pos?.line ?? 1, column: pos?.col ?? 1 };
    return { where, text: `${formatLocation(where)}: ${describe(error)} (${error.code})` };
  });
  const first = lines[0]!;
  const message =
    lines.length === 1
      ? `Invalid YAML or JSON: ${first.text}`
      : `Invalid YAML or JSON in ${file}:\n${lines.map((l) => `  - ${l.text}`).join("\n")}`;
  return new ConfigError("KILN_CONFIG_YAML_SYNTAX", message, {
    hint:
      SYNTAX_HINTS[errors[0]!.code] ??
      "Fix the syntax at the line and column shown (check indentation, quotes and brackets).",
    location: first.where,
  });
}

/**
 * Reads and parses one `.yml`, `.yaml` or `.json` file with the YAML core schema: no tag can build
 * objects or run code. An empty file is an empty mapping.
 *
 * @throws ConfigError for unreadable files, syntax errors, unsafe tags, bad aliases, or a top level
 *   that is not a mapping; every message names file:line:column.
 */
export async function parseConfigFile(file: string): Promise<ParsedConfigFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    const where = { file, line: 1, column: 1 };
    throw new ConfigError(
      "KILN_CONFIG_READ_FAILED",
      `${formatLocation(where)}: cannot read the file (${(cause as NodeJS.ErrnoException).code ?? "unknown error"}).`,
      { hint: "Check that the file exists and is readable by this user.", location: where, cause },
    );
  }
  return parseConfigText(file, text);
}

/** Parses configuration text as if read from `file` (for tests and in-memory sources). */
export function parseConfigText(file: string, text: string): ParsedConfigFile {
  const lineCounter = new (lazyYaml().LineCounter)();
  const doc = lazyYaml().parseDocument(text, {
    schema: "core",
    merge: true,
    prettyErrors: true,
    lineCounter,
    uniqueKeys: true,
    keepSourceTokens: false,
  });
  if (doc.errors.length > 0) throw syntaxError(file, doc.errors);
  // toJS first: it stops alias bombs cheaply (maxAliasCount) before the walk expands aliases.
  let raw: unknown;
  let aliasFailure: Error | undefined;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    aliasFailure = cause as Error;
  }
  const unresolvedTag = doc.warnings.find((w) => w.code === "TAG_RESOLVE_FAILED");
  // The walk names unsafe tags and unresolved or recursive aliases with their position.
  const { locations, firstAlias } = walkYaml(doc, file, text, lineCounter, !aliasFailure);
  if (unresolvedTag) {
    const pos = unresolvedTag.linePos?.[0];
    const where = { file, line: pos?.line ?? 1, column: pos?.col ?? 1 };
    throw new ConfigError(
      "KILN_CONFIG_UNSAFE_TAG",
      `${formatLocation(where)}: ${describe(unresolvedTag)}; configuration is plain data, and no tag may build objects or run code.`,
      {
        hint: "Remove the tag and write the value as a plain string, number, list or mapping.",
        location: where,
      },
    );
  }
  if (aliasFailure) {
    const where = firstAlias ?? { file, line: 1, column: 1 };
    throw new ConfigError(
      "KILN_CONFIG_BAD_ALIAS",
      `${formatLocation(where)}: aliases expand to too much data (${aliasFailure.message}).`,
      { hint: "Use fewer nested aliases; configuration should stay small.", location: where },
    );
  }
  if (raw === null || raw === undefined) return { file, value: {}, locations };
  if (!isPlainObject(raw)) {
    const offset = doc.contents?.range?.[0] ?? 0;
    const { line, col } = lineCounter.linePos(offset);
    const where = { file, line, column: col };
    throw new ConfigError(
      "KILN_CONFIG_NOT_A_MAPPING",
      `${formatLocation(where)}: the top level of a configuration file must be a mapping of keys, not ${Array.isArray(raw) ? "a list" : "a single value"}.`,
      { hint: "Write `key: value` entries at the top level of the file.", location: where },
    );
  }
  // Aliases share objects in the parsed result; interpolation rewrites values in place.
  return { file, value: clonePlain(raw), locations };
}
