import { stringify } from "yaml";
import { maskSecrets, parseRuntimeParams } from "../../config/index.js";
import { KilnSession } from "../../session/index.js";

/**
 * `kiln config show [KEY] [--env E] [--params a.b=1,...]`: the merged config, credentials masked.
 * `--params` is parsed as `kiln run` parses it, so config that needs `${runtime_params:...}` shows.
 */
export async function show(key: string | undefined, flags: { env?: string; params?: string }): Promise<void> {
  const session = await KilnSession.create({
    ...(flags.env ? { env: flags.env } : {}),
    ...(flags.params ? { runtimeParams: parseRuntimeParams(flags.params) } : {}),
  });
  const { configLoader, env } = await session.loadContext();
  const keys = key ? [key] : ["catalog", "parameters", "credentials", "globals"];
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const doc = await configLoader.load(k);
    out[k] =
      k === "credentials"
        ? maskSecrets(doc.value)
        : k === "catalog"
          ? maskInlineCredentials(doc.value)
          : doc.value;
  }
  process.stdout.write(`# environment: ${env}\n${stringify(out)}`);
}

/** Catalog entries may hold credentials inline; those are masked too. */
function maskInlineCredentials(catalog: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(catalog).map(([name, entry]) => {
      if (
        entry === null ||
        typeof entry !== "object" ||
        typeof (entry as { credentials?: unknown }).credentials !== "object"
      ) {
        return [name, entry];
      }
      return [name, { ...entry, credentials: maskSecrets((entry as { credentials: unknown }).credentials) }];
    }),
  );
}
