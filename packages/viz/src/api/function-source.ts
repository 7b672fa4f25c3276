// Where a node's function is written, for the details panel.
//
// A function's `toString()` is its text as the engine parsed it. Kiln imports a project's
// TypeScript compiled one file at a time into `.kiln/cache/typescript/files/` with an inline source
// map, so that text is found verbatim in one compiled file, and the map leads from its first and
// last characters back to the TypeScript the user wrote. Plain JavaScript projects are searched
// directly. When the text is found nowhere (code transformed by another loader, such as a test
// runner's), the project's sources are searched for a declaration of the function's name.
import { readdir, readFile } from "node:fs/promises";
import { SourceMap } from "node:module";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FunctionSource } from "./types.js";

const SOURCE_FILE = /\.(?:[cm]?[jt]s|tsx|jsx)$/;
const INLINE_MAP =
  /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/;

/** Files read once per locator (a locator lives as long as one load of the project). */
async function listFiles(folder: string, pattern: RegExp): Promise<string[]> {
  const found: string[] = [];
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && !entry.name.startsWith("."))
        found.push(...(await listFiles(path, pattern)));
    } else if (pattern.test(entry.name)) found.push(path);
  }
  return found;
}

/** 0-based line and column of `offset` in `text`. */
function position(text: string, offset: number): { line: number; column: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart };
}

/** The offset of a 0-based line and column in `text`. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) {
    const next = text.indexOf("\n", offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return offset + column;
}

/**
 * The end of a function that starts at `start`: its body's matching closing brace (braces inside
 * parentheses, such as a destructured or typed parameter, do not count), or the `;` ending an
 * arrow function without a body.
 */
function blockEnd(text: string, start: number): number {
  let depth = 0;
  let parens = 0;
  let opened = false;
  let quote: string | null = null;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "/" && text[i + 1] === "/") {
      const eol = text.indexOf("\n", i);
      i = eol === -1 ? text.length : eol;
    } else if (c === "(") parens++;
    else if (c === ")") parens--;
    else if (parens > 0) continue;
    else if (c === "{") {
      depth++;
      opened = true;
    } else if (c === "}") {
      depth--;
      if (opened && depth === 0) return i + 1;
    } else if (!opened && c === ";") return i + 1;
  }
  return text.length;
}

/** Finds the source of functions in one project; cheap to keep, re-made when the project reloads. */
export class FunctionLocator {
  readonly #root: string;
  readonly #sourceDir: string;
  #compiled: Promise<Map<string, string>> | undefined;
  #sources: Promise<Map<string, string>> | undefined;

  constructor(projectRoot: string, sourceDir = "src") {
    this.#root = projectRoot;
    this.#sourceDir = join(projectRoot, sourceDir);
  }

  async #read(files: string[]): Promise<Map<string, string>> {
    const texts = await Promise.all(files.map((f) => readFile(f, "utf8").catch(() => "")));
    return new Map(files.map((f, i) => [f, texts[i]!]));
  }

  #compiledFiles(): Promise<Map<string, string>> {
    this.#compiled ??= listFiles(join(this.#root, ".kiln", "cache", "typescript", "files"), /\.mjs$/).then(
      (files) => this.#read(files),
    );
    return this.#compiled;
  }

  #sourceFiles(): Promise<Map<string, string>> {
    this.#sources ??= listFiles(this.#sourceDir, SOURCE_FILE).then((files) => this.#read(files));
    return this.#sources;
  }

  #relative(file: string): string {
    const inside = relative(this.#root, file);
    return !inside.startsWith("..") && !isAbsolute(inside) ? inside.split(sep).join("/") : file;
  }

  /** The function's file, line and code, or null when it cannot be found (a built-in, a bound function). */
  async locate(fn: (...args: never[]) => unknown): Promise<FunctionSource | null> {
    const text = Function.prototype.toString.call(fn);
    if (/\{\s*\[native code\]\s*\}$/.test(text)) return null;
    for (const [file, content] of await this.#compiledFiles()) {
      const at = content.indexOf(text);
      if (at === -1) continue;
      const mapped = this.#throughSourceMap(file, content, at, at + text.length);
      if (mapped) return mapped;
    }
    const sources = await this.#sourceFiles();
    for (const [file, content] of sources) {
      const at = content.indexOf(text);
      if (at !== -1) return { file: this.#relative(file), line: position(content, at).line + 1, code: text };
    }
    return fn.name ? this.#byName(fn.name, sources) : null;
  }

  /** Maps a range of a compiled file back to the TypeScript it came from. */
  #throughSourceMap(
    compiledFile: string,
    compiled: string,
    start: number,
    end: number,
  ): FunctionSource | null {
    const match = INLINE_MAP.exec(compiled);
    if (!match) return null;
    let map: SourceMap;
    let payload: { sources?: string[]; sourcesContent?: (string | null)[] };
    try {
      payload = JSON.parse(Buffer.from(match[1]!, "base64").toString("utf8"));
      map = new SourceMap(payload as never);
    } catch {
      return null;
    }
    const from = position(compiled, start);
    const to = position(compiled, end - 1);
    const first = map.findEntry(from.line, from.column) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    if (first.originalSource === undefined || first.originalLine === undefined) return null;
    const sourceIndex = (payload.sources ?? []).findIndex(
      (s) => first.originalSource === s || first.originalSource!.endsWith(s.replace(/^(\.\.\/)+/, "")),
    );
    const original = payload.sourcesContent?.[sourceIndex === -1 ? 0 : sourceIndex];
    const file = first.originalSource.startsWith("file:")
      ? fileURLToPath(first.originalSource)
      : isAbsolute(first.originalSource)
        ? first.originalSource
        : resolve(dirname(compiledFile), first.originalSource);
    if (typeof original !== "string") return null;
    const startOffset = offsetOf(original, first.originalLine, first.originalColumn ?? 0);
    const last = map.findEntry(to.line, to.column) as { originalLine?: number; originalColumn?: number };
    let endOffset =
      last.originalLine !== undefined
        ? offsetOf(original, last.originalLine, last.originalColumn ?? 0) + 1
        : -1;
    // The last mapping may be a token before the final brace: take the whole block in that case.
    if (endOffset <= startOffset || !/[}\s;)]$/.test(original.slice(startOffset, endOffset)))
      endOffset = blockEnd(original, startOffset);
    else endOffset = Math.max(endOffset, blockEnd(original, startOffset));
    return {
      file: this.#relative(file),
      line: first.originalLine + 1,
      code: original.slice(startOffset, endOffset),
    };
  }

  /** `function name(`, `const name =` or `name(…) {` in the sources, as a last resort. */
  #byName(name: string, sources: Map<string, string>): FunctionSource | null {
    const escaped = name.replace(/[$]/g, "\\$");
    const declaration = new RegExp(
      `(?:^|\\n)[ \\t]*(?:export\\s+)?(?:default\\s+)?(?:(?:async\\s+)?function\\s*\\*?\\s*${escaped}\\s*[(<]|(?:const|let|var)\\s+${escaped}\\s*[=:])`,
    );
    for (const [file, content] of sources) {
      const match = declaration.exec(content);
      if (!match) continue;
      const start = match.index + (match[0].startsWith("\n") ? 1 : 0);
      return {
        file: this.#relative(file),
        line: position(content, start).line + 1,
        code: content.slice(start, blockEnd(content, start)),
      };
    }
    return null;
  }
}
