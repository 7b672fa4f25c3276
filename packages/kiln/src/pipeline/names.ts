import { PipelineError } from "../errors/index.js";

/** Separator between a dataset's name and its format: `companies@polars`. */
export const TRANSCODING_SEPARATOR = "@";
/** Prefix of single-parameter inputs: `params:model_options.test_size`. */
export const PARAMS_PREFIX = "params:";
/** The input that receives the whole parameters object. */
export const ALL_PARAMETERS = "parameters";

const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_\-.]*$/;
const TAG_RE = /^[A-Za-z0-9_\-.]+$/;
const NAMESPACE_RE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const FORBIDDEN_IN_DATASET = /[\s,]/;

/** `a@pandas` → `a`; names without a separator are returned unchanged. */
export function stripTranscoding(name: string): string {
  const at = name.indexOf(TRANSCODING_SEPARATOR);
  return at === -1 ? name : name.slice(0, at);
}

/** `a@pandas` → `["a", "pandas"]`; `a` → `["a", ""]`. */
export function transcodeParts(name: string): [base: string, format: string] {
  const at = name.indexOf(TRANSCODING_SEPARATOR);
  return at === -1 ? [name, ""] : [name.slice(0, at), name.slice(at + 1)];
}

/** True for `parameters` and `params:…` inputs. */
export function isParameter(name: string): boolean {
  return name === ALL_PARAMETERS || name.startsWith(PARAMS_PREFIX);
}

/** Throws unless `name` is a valid node name (letters, digits, `_`, `-`, `.`; not starting with `.` or `-`). */
export function validateNodeName(name: string, where: string): void {
  if (typeof name !== "string" || !NAME_RE.test(name)) {
    throw new PipelineError(
      "KILN_NODE_INVALID_NAME",
      `${where}: node name ${JSON.stringify(name)} is not valid.`,
      {
        hint: "Node names use letters, digits, '_', '-' and '.', and start with a letter, digit or '_' (e.g. \"split_data\").",
      },
    );
  }
}

/** Throws unless `tag` is a valid tag (letters, digits, `_`, `-`, `.`). */
export function validateTag(tag: string, where: string): void {
  if (typeof tag !== "string" || !TAG_RE.test(tag)) {
    throw new PipelineError("KILN_NODE_INVALID_TAG", `${where}: tag ${JSON.stringify(tag)} is not valid.`, {
      hint: "Tags use only letters, digits, '_', '-' and '.' (e.g. \"training\").",
    });
  }
}

/** Throws unless `namespace` is dot-separated segments of letters, digits, `_` and `-`. */
export function validateNamespace(namespace: string, where: string): void {
  if (typeof namespace !== "string" || !NAMESPACE_RE.test(namespace)) {
    throw new PipelineError(
      "KILN_NODE_INVALID_NAMESPACE",
      `${where}: namespace ${JSON.stringify(namespace)} is not valid.`,
      {
        hint: 'A namespace is dot-separated words of letters, digits, "_" and "-" (e.g. "data_science.active").',
      },
    );
  }
}

/** True for non-empty names of only letters, digits, `_`, `-`, `.`, `:` and `/` (most names), which are valid. */
export function isPlainDatasetName(name: string): boolean {
  if (name.length === 0 || name === PARAMS_PREFIX) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    // a-z, A-Z, then "-./0123456789:" (45-58), then "_"
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 45 && c <= 58) || c === 95)) return false;
  }
  return true;
}

/** Throws unless `name` can name a dataset: non-empty, no whitespace or commas, at most one `@`. */
export function validateDatasetName(name: unknown, where: string): asserts name is string {
  if (typeof name === "string" && isPlainDatasetName(name)) return;
  const problem =
    typeof name !== "string"
      ? `must be a string, got ${typeof name}`
      : name.length === 0
        ? "is empty"
        : FORBIDDEN_IN_DATASET.test(name)
          ? "contains whitespace or a comma"
          : name.indexOf(TRANSCODING_SEPARATOR) !== name.lastIndexOf(TRANSCODING_SEPARATOR)
            ? `has more than one "${TRANSCODING_SEPARATOR}"`
            : name.endsWith(TRANSCODING_SEPARATOR) || name.startsWith(TRANSCODING_SEPARATOR)
              ? `has an empty part around "${TRANSCODING_SEPARATOR}"`
              : name === PARAMS_PREFIX
                ? "names no parameter after params:"
                : undefined;
  if (problem) {
    throw new PipelineError(
      "KILN_NODE_INVALID_DATASET_NAME",
      `${where}: dataset name ${JSON.stringify(name)} ${problem}.`,
      {
        hint: 'Dataset names are non-empty, without spaces or commas; "name@format" selects a transcoding format, "params:a.b" a parameter.',
      },
    );
  }
}
