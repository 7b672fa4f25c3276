/**
 * A URL fit for messages: user name, password and query values (pre-signed URLs carry tokens there)
 * are replaced by `***`. Text that does not parse as a URL is returned unchanged.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username) parsed.username = "***";
  if (parsed.password) parsed.password = "***";
  for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, "***");
  return parsed.href.replaceAll("%2A%2A%2A", "***");
}

/** `text` with every occurrence of each secret (of 4 characters or more) replaced by `***`. */
export function scrubSecrets(text: string, secrets: Iterable<unknown>): string {
  let out = text;
  for (const secret of secrets) {
    if (typeof secret === "string" && secret.length >= 4) out = out.replaceAll(secret, "***");
  }
  return out;
}
