import { stringify } from "yaml";

/** YAML text for a document, after a comment header; long strings are not folded. */
export function yamlText(header: string[], value: unknown): string {
  const comments = header.map((line) => (line === "" ? "#" : `# ${line}`)).join("\n");
  return `${comments}\n${stringify(value, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
