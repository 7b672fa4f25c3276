import { isPlainObject, setOwn } from "./object-path.js";

/** What every secret value is replaced with. */
export const MASK = "***";

/**
 * A copy of `value` with every leaf replaced by `"***"`, keeping keys and list lengths: how
 * `kiln config show` prints credentials.
 *
 * @example maskSecrets({ db: { user: "me", password: "s3cret" } }) // { db: { user: "***", password: "***" } }
 */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, key, maskSecrets(item));
    return out;
  }
  return MASK;
}
