import { TrackingError } from "../errors.js";

/** A piece of a filter or order-by text, with its 0-based position. */
export interface Token {
  kind: "word" | "number" | "string" | "quoted" | "op" | "dot" | "comma" | "lparen" | "rparen" | "end";
  /** The word, number text, string contents (unquoted), or operator. */
  text: string;
  pos: number;
  /** For `string` and `quoted`: which quote opened it. */
  quote?: string;
}

const OPS = ["!=", "<>", ">=", "<=", "=", ">", "<"];

/** The error for the text at `pos`, with the text and a caret under the place. */
export function syntaxError(
  code: string,
  option: string,
  text: string,
  pos: number,
  what: string,
  hint: string,
): TrackingError {
  const caret = `${" ".repeat(pos)}^`;
  return new TrackingError(code, `${option}: ${what} at position ${pos + 1}:\n  ${text}\n  ${caret}`, {
    hint,
  });
}

/**
 * Splits `text` into tokens: words (letters, digits, `_`, `-`, `/`, `:`), numbers, `'…'` and `"…"`
 * strings, `` `…` `` names, comparators, `.`, `,` and parentheses. A quote inside a string is doubled
 * (`'it''s'`), or escaped with a backslash.
 */
export function tokenize(text: string, code: string, option: string, hint: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"' || c === "`") {
      let out = "";
      i++;
      for (;;) {
        if (i >= text.length)
          throw syntaxError(code, option, text, start, `the quote ${c} opened here is never closed`, hint);
        const ch = text[i]!;
        if (ch === "\\" && i + 1 < text.length) {
          out += text[i + 1];
          i += 2;
        } else if (ch === c && text[i + 1] === c) {
          out += c;
          i += 2;
        } else if (ch === c) {
          i++;
          break;
        } else {
          out += ch;
          i++;
        }
      }
      tokens.push({ kind: c === "`" ? "quoted" : "string", text: out, pos: start, quote: c });
      continue;
    }
    const number = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(i));
    const previous = tokens.at(-1);
    // A number, unless it continues a name (`metrics.2024_error` has no number in it).
    if (number && previous?.kind !== "dot" && !/[\w-]/.test(text[i + number[0].length] ?? "")) {
      tokens.push({ kind: "number", text: number[0], pos: start });
      i += number[0].length;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "op", text: op === "<>" ? "!=" : op, pos: start });
      i += op.length;
      continue;
    }
    const single: Record<string, Token["kind"]> = { ".": "dot", ",": "comma", "(": "lparen", ")": "rparen" };
    if (single[c]) {
      tokens.push({ kind: single[c]!, text: c, pos: start });
      i++;
      continue;
    }
    const word = /^[\w\-/:]+/u.exec(text.slice(i));
    if (!word) throw syntaxError(code, option, text, start, `unexpected character "${c}"`, hint);
    tokens.push({ kind: "word", text: word[0], pos: start });
    i += word[0].length;
  }
  tokens.push({ kind: "end", text: "", pos: text.length });
  return tokens;
}
