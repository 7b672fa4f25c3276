import { didYouMean, quoteList } from "kiln";
import { ExportError } from "./errors.js";
import { isDns1123Label } from "./names.js";
import type { GroupBy } from "./plan/units.js";

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (found) return found;
  throw new ExportError("KILN_EXPORT_BAD_OPTION", `${flag} "${value}" is not one of ${quoteList(allowed)}.`, {
    hint: didYouMean(value, allowed) ?? `e.g. ${flag} ${allowed[0]}`,
  });
}

/** `--group-by`: `none` or `namespace`. @throws ExportError `KILN_EXPORT_BAD_OPTION`. */
export function checkGroupBy(value: string | undefined): GroupBy {
  return value === undefined ? "none" : oneOf("--group-by", value, ["none", "namespace"] as const);
}

/** `--kind`: `Workflow` or `WorkflowTemplate`. @throws ExportError `KILN_EXPORT_BAD_OPTION`. */
export function checkKind(value: string | undefined): "Workflow" | "WorkflowTemplate" {
  return value === undefined ? "Workflow" : oneOf("--kind", value, ["Workflow", "WorkflowTemplate"] as const);
}

/** A Kubernetes name given as an option (`--namespace`, `--volume-claim`). @throws ExportError `KILN_EXPORT_BAD_OPTION`. */
export function checkKubernetesName(flag: string, value: string): string {
  if (isDns1123Label(value)) return value;
  const suggestion = value
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
  throw new ExportError(
    "KILN_EXPORT_BAD_OPTION",
    `${flag} "${value}" is not a valid Kubernetes name: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit.`,
    { hint: suggestion ? `e.g. ${flag} ${suggestion}` : `e.g. ${flag} ml-pipelines` },
  );
}

/** A required option. @throws ExportError `KILN_EXPORT_MISSING_OPTION`. */
export function required(flag: string, value: string | undefined, example: string): string {
  if (value !== undefined && value !== "") return value;
  throw new ExportError("KILN_EXPORT_MISSING_OPTION", `${flag} is required.`, { hint: `e.g. ${example}` });
}
