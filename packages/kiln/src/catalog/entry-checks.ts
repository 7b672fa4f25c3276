import { CatalogError } from "../errors/index.js";
import { closestMatches, quoteList } from "../utils/index.js";
import type { DatasetType } from "./dataset-types.js";
import { isPattern } from "./patterns.js";

/** Where a key of the entry being checked was written, for messages (`file:line:col (dataset "x")`). */
export type Where = (...path: Array<string | number>) => string;

/** What checking an entry needs besides the entry. */
export interface EntryCheckContext {
  /** The merged `credentials` config. Never shown: only names go into messages. */
  credentials: Record<string, unknown> | undefined;
  /** Logs a Kedro-only option once per type and option. */
  warnOnce: (key: string, message: string) => void;
}

const ENTRY_KEYS = ["type", "versioned", "credentials"];

/** Several problems as one error (one problem as itself), each with its hint. */
export function combineProblems(problems: readonly CatalogError[]): CatalogError {
  if (problems.length === 1) return problems[0]!;
  return new CatalogError(
    "KILN_CATALOG_INVALID",
    `The catalog has ${problems.length} problems:\n${problems.map((p) => `  - ${p.message}${p.hint ? `\n    hint: ${p.hint}` : ""}`).join("\n")}`,
    { cause: problems },
  );
}

/**
 * Checks an entry's keys, `load_args`/`save_args` and `versioned` against its type, dropping
 * Kedro-only options (with one warning each). Mutates `entry`.
 * @throws CatalogError `KILN_CATALOG_UNKNOWN_KEY`, `KILN_CATALOG_BAD_ARGS`, `KILN_CATALOG_UNKNOWN_ARG`, `KILN_CATALOG_BAD_ENTRY`.
 */
export function checkEntry(
  at: Where,
  typeName: string,
  type: DatasetType,
  entry: Record<string, unknown>,
  ctx: EntryCheckContext,
): void {
  if (entry.versioned !== undefined && entry.versioned !== true && entry.versioned !== false) {
    throw new CatalogError(
      "KILN_CATALOG_BAD_ENTRY",
      `${at("versioned")}: \`versioned\` must be true or false, got ${JSON.stringify(entry.versioned)}.`,
      {
        hint: "Write `versioned: true` to keep every save under <filepath>/<version>/, or `versioned: false` (the default).",
      },
    );
  }
  if (!type.configKeys) return;
  const allowed = new Set([...ENTRY_KEYS, ...type.configKeys]);
  const kedroOnly = Object.keys(entry).filter((k) => !allowed.has(k) && type.kedroOnlyArgs?.includes(k));
  for (const k of kedroOnly) {
    ctx.warnOnce(
      `${typeName}:${k}`,
      `${at(k)}: ${k} is a Kedro option with no meaning in Kiln's ${typeName}; it is ignored.`,
    );
    delete entry[k];
  }
  const unknown = Object.keys(entry).filter((k) => !allowed.has(k) && k !== "version");
  if (unknown.length > 0) {
    const hints = unknown.map((u) => closestMatches(u, [...allowed])[0]).filter(Boolean);
    throw new CatalogError(
      "KILN_CATALOG_UNKNOWN_KEY",
      `${at(unknown[0]!)}: ${typeName} does not take ${quoteList(unknown)}.`,
      {
        hint: `${hints.length > 0 ? `Did you mean ${quoteList(hints as string[])}? ` : ""}It takes: ${[...allowed].join(", ")}.`,
      },
    );
  }
  for (const kind of ["load_args", "save_args"] as const) {
    const args = entry[kind];
    if (args === undefined || args === null) continue;
    const known = new Set(kind === "load_args" ? (type.loadArgs ?? []) : (type.saveArgs ?? []));
    if (typeof args !== "object" || Array.isArray(args)) {
      const example = [...known][0] ?? "option";
      throw new CatalogError(
        "KILN_CATALOG_BAD_ARGS",
        `${at(kind)}: \`${kind}\` must be a mapping of options, got ${Array.isArray(args) ? "a list" : typeof args}.`,
        {
          hint:
            known.size > 0
              ? `e.g. ${kind}: { ${example}: … }. ${typeName}'s ${kind}: ${[...known].join(", ")}.`
              : `${typeName} takes no ${kind}; remove it.`,
        },
      );
    }
    for (const arg of Object.keys(args)) {
      if (known.has(arg)) continue;
      if (type.kedroOnlyArgs?.includes(arg)) {
        ctx.warnOnce(
          `${typeName}:${kind}.${arg}`,
          `${at(kind, arg)}: ${kind}.${arg} is a Kedro option with no meaning in Kiln's ${typeName}; it is ignored.`,
        );
        delete (args as Record<string, unknown>)[arg];
        continue;
      }
      const near = closestMatches(arg, known)[0];
      throw new CatalogError(
        "KILN_CATALOG_UNKNOWN_ARG",
        `${at(kind, arg)}: ${typeName} has no ${kind} "${arg}".`,
        {
          hint:
            known.size > 0
              ? `${near ? `Did you mean "${near}"? ` : ""}Its ${kind}: ${[...known].join(", ")}.`
              : `${typeName} takes no ${kind}.`,
        },
      );
    }
  }
}

/**
 * The credentials an entry names (a key of credentials.yml) or holds inline; undefined for none.
 * A name with `{placeholders}` (in a factory pattern) is not looked up: `lookUpTemplates: false`.
 * @throws CatalogError `KILN_CATALOG_BAD_CREDENTIALS`, `KILN_CATALOG_MISSING_CREDENTIALS`.
 */
export function credentialsOf(
  at: Where,
  entry: Record<string, unknown>,
  ctx: EntryCheckContext,
  options: { lookUpTemplates?: boolean } = {},
): Record<string, unknown> | undefined {
  const ref = entry.credentials;
  if (ref === undefined || ref === null) return undefined;
  if (typeof ref === "object" && !Array.isArray(ref)) return ref as Record<string, unknown>;
  const names = Object.keys(ctx.credentials ?? {});
  if (typeof ref !== "string") {
    throw new CatalogError(
      "KILN_CATALOG_BAD_CREDENTIALS",
      `${at("credentials")}: \`credentials\` must be the name of an entry of credentials.yml (or a mapping), got ${Array.isArray(ref) ? "a list" : typeof ref}.`,
      {
        hint: `Write e.g. \`credentials: dev_s3\` and define dev_s3 in conf/local/credentials.yml${names.length > 0 ? ` (defined: ${quoteList(names)})` : ""}.`,
      },
    );
  }
  if (options.lookUpTemplates === false && isPattern(ref)) return undefined;
  const found = ctx.credentials?.[ref];
  if (found === undefined || found === null || typeof found !== "object") {
    const near = closestMatches(ref, names);
    // Only names are shown, never values.
    throw new CatalogError(
      "KILN_CATALOG_MISSING_CREDENTIALS",
      `${at("credentials")}: credentials "${ref}" are not defined.`,
      {
        hint:
          (near.length > 0 ? `Did you mean "${near[0]}"? ` : "") +
          `Define "${ref}" in conf/local/credentials.yml${names.length > 0 ? ` (defined: ${quoteList(names)})` : ""}.`,
      },
    );
  }
  return found as Record<string, unknown>;
}
