function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
}

function segmentSource(segment: string): string {
  let out = "";
  for (const char of segment) {
    if (char === "*") out += "[^/]*";
    else if (char === "?") out += "[^/]";
    else out += escapeRegExp(char);
  }
  return out;
}

/**
 * A regular expression for a glob over `/`-separated relative paths, as Kedro's config patterns
 * use them: `*` and `?` stay within one path segment, a `**` segment spans any number of folders
 * (none included), and a trailing `**` matches everything below.
 *
 * @example globToRegExp("**\/catalog*").test("pipelines/catalog_x.yml") // true
 */
export function globToRegExp(pattern: string): RegExp {
  const segments = pattern.replace(/^\.\//, "").split("/").filter(Boolean);
  let source = "";
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === "**") source += last ? ".*" : "(?:[^/]+/)*";
    else source += segmentSource(segment) + (last ? "" : "/");
  });
  return new RegExp(`^${source}$`);
}
