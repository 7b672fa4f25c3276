import type { Document, LineCounter, Node, Pair } from "yaml";
import { ConfigError } from "../errors/index.js";
import { lazyYaml } from "../utils/index.js";
import { type ConfigLocation, formatLocation } from "./location.js";
import type { PathSegment } from "./object-path.js";
import { SourceMap } from "./source-map.js";

/** Explicit tags that only restate a plain YAML type; every other tag is refused. */
const SAFE_TAGS = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq", "merge"].map((t) => `tag:yaml.org,2002:${t}`),
);

/** Guards against a document that expands without end through aliases. */
const MAX_VISITS = 200_000;

/** What walking a parsed document found: locations of every value, and the first alias. */
export interface YamlWalk {
  locations: SourceMap;
  firstAlias: ConfigLocation | undefined;
}

/**
 * Records where every value of `doc` is set and refuses what is unsafe: custom tags (`!!js/function`,
 * `!python/object`), collection keys, unresolved and recursive aliases.
 *
 * With `expandAliases` false, aliases are checked but not followed (for documents whose aliases
 * expand too far).
 *
 * @throws ConfigError `KILN_CONFIG_UNSAFE_TAG`, `KILN_CONFIG_YAML_SYNTAX`, `KILN_CONFIG_BAD_ALIAS`.
 */
export function walkYaml(
  doc: Document,
  file: string,
  text: string,
  lineCounter: LineCounter,
  expandAliases = true,
): YamlWalk {
  const locations = new SourceMap();
  const at = (offset: number | undefined): ConfigLocation => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { file, line, column: col };
  };
  let firstAlias: ConfigLocation | undefined;
  let visits = 0;
  const ancestors = new Set<Node>();

  const checkTag = (node: Node): void => {
    const tag = (node as { tag?: string }).tag;
    if (tag === undefined || SAFE_TAGS.has(tag)) return;
    // Nodes start after their tag: point at the tag itself, the `!` nearest before the value.
    const start = node.range?.[0] ?? 0;
    let bang = text.lastIndexOf("!", start);
    while (bang > 0 && text[bang - 1] === "!") bang--;
    const where = at(bang >= 0 && !text.slice(bang, start).includes("\n") ? bang : start);
    const shown = tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice(18)}` : tag;
    throw new ConfigError(
      "KILN_CONFIG_UNSAFE_TAG",
      `${formatLocation(where)}: the YAML tag "${shown}" is not allowed: configuration is plain data, and no tag may build objects or run code.`,
      {
        hint: "Remove the tag and write the value as a plain string, number, list or mapping.",
        location: where,
      },
    );
  };

  const entryLocation = (pair: Pair, value: unknown): ConfigLocation => {
    if (lazyYaml().isScalar(value) || lazyYaml().isAlias(value)) return at(value.range?.[0]);
    const key = pair.key as Node | null;
    return at(key?.range?.[0] ?? (value as Node | null)?.range?.[0]);
  };

  const visit = (node: unknown, path: PathSegment[]): void => {
    if (++visits > MAX_VISITS) return;
    if (lazyYaml().isAlias(node)) {
      const where = at(node.range?.[0]);
      firstAlias ??= where;
      const target = node.resolve(doc);
      if (!target) {
        throw new ConfigError(
          "KILN_CONFIG_BAD_ALIAS",
          `${formatLocation(where)}: the alias "*${node.source}" has no anchor "&${node.source}" before it.`,
          {
            hint: `Define "&${node.source}" on a value above this line, or fix the alias name.`,
            location: where,
          },
        );
      }
      if (ancestors.has(target)) {
        throw new ConfigError(
          "KILN_CONFIG_BAD_ALIAS",
          `${formatLocation(where)}: the alias "*${node.source}" is inside the value it refers to, which would never end.`,
          { hint: "Point the alias at a value outside the one it is in.", location: where },
        );
      }
      if (expandAliases) visit(target, path);
      return;
    }
    if (!node || typeof node !== "object") return;
    checkTag(node as Node);
    if (lazyYaml().isMap(node)) {
      ancestors.add(node);
      const merges: unknown[] = [];
      for (const pair of node.items) {
        if (!lazyYaml().isPair(pair)) continue;
        const key = pair.key;
        // With `merge: true` the parser marks a plain `<<` key with a symbol value.
        if (lazyYaml().isScalar(key) && typeof key.value === "symbol") {
          merges.push(pair.value);
          continue;
        }
        if (key !== null && !lazyYaml().isScalar(key)) {
          const where = at((key as Node).range?.[0]);
          throw new ConfigError(
            "KILN_CONFIG_YAML_SYNTAX",
            `${formatLocation(where)}: a mapping key must be a plain value, not a list or mapping.`,
            { hint: "Use a string key.", location: where },
          );
        }
        if (lazyYaml().isScalar(key)) checkTag(key);
        const name = lazyYaml().isScalar(key) ? String(key.value ?? "") : "";
        locations.set([...path, name], entryLocation(pair, pair.value));
        visit(pair.value, [...path, name]);
      }
      // `<<: *base` and `<<: [*a, *b]`: explicit keys win, then earlier sources (YAML merge rules).
      for (const source of merges) {
        if (lazyYaml().isSeq(source)) for (const item of source.items) visit(item, path);
        else visit(source, path);
      }
      ancestors.delete(node);
    } else if (lazyYaml().isSeq(node)) {
      ancestors.add(node);
      node.items.forEach((item, i) => {
        locations.set([...path, i], at((item as Node | null)?.range?.[0] ?? node.range?.[0]));
        visit(item, [...path, i]);
      });
      ancestors.delete(node);
    }
  };

  visit(doc.contents, []);
  return { locations, firstAlias };
}
