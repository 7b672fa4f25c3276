import { ModelError } from "./model-error.js";

// Registered model names end up in URIs (`models:/NAME/1`, `models:/NAME@champion`): no `/` or `@`.
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
// MLflow's rules for aliases: word characters and `-`, not `latest`, not a version (`v3`).
const ALIAS = /^[\w-]+$/;
const VERSION_LIKE = /^[vV]\d+$/;
const MAX_LENGTH = 255;

/**
 * Checks a registered model name; `where` says where it was given.
 * @throws ModelError `KILN_MODEL_BAD_NAME`.
 */
export function checkModelName(name: unknown, where: string): string {
  if (typeof name !== "string" || !MODEL_NAME.test(name) || name.length > MAX_LENGTH) {
    throw new ModelError(
      "KILN_MODEL_BAD_NAME",
      `${where}: ${JSON.stringify(name)} cannot be a registered model name.`,
      {
        hint: `A model name starts with a letter or digit and has only letters, digits, _, . and - (at most ${MAX_LENGTH}), e.g. "spaceflights".`,
      },
    );
  }
  return name;
}

/**
 * Checks an alias as MLflow does: letters, digits, `_` and `-`; `latest` and `v<number>` are
 * reserved (they already mean a version in a `models:/` URI).
 * @throws ModelError `KILN_MODEL_BAD_ALIAS`.
 */
export function checkAlias(alias: unknown, where: string): string {
  const text = typeof alias === "string" ? alias : "";
  const problem =
    typeof alias !== "string" || !ALIAS.test(alias) || alias.length > MAX_LENGTH
      ? `an alias has only letters, digits, _ and - (at most ${MAX_LENGTH})`
      : text.toLowerCase() === "latest"
        ? `"latest" is reserved: models:/NAME/latest already means the newest version`
        : VERSION_LIKE.test(text)
          ? `"${text}" looks like a version number, which is reserved`
          : undefined;
  if (problem) {
    throw new ModelError(
      "KILN_MODEL_BAD_ALIAS",
      `${where}: ${JSON.stringify(alias)} cannot be an alias: ${problem}.`,
      { hint: 'Pick a word such as "champion", "challenger" or "production".' },
    );
  }
  return text;
}
