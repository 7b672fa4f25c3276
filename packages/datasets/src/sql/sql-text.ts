// SQL text helpers: quoted identifiers, named parameters, and lines of a query for messages.
import { DatasetError, quoteList } from "kiln";

/**
 * An identifier quoted for SQLite and PostgreSQL alike: in double quotes, inner quotes doubled, so
 * any name is safe in DDL and queries.
 * @throws DatasetError `KILN_SQL_BAD_CONFIG` for an empty name or one with a NUL character.
 */
export function quoteIdent(name: string, what = "name"): string {
  if (typeof name !== "string" || name.length === 0 || name.includes("\0")) {
    throw new DatasetError(
      "KILN_SQL_BAD_CONFIG",
      `The ${what} ${JSON.stringify(name)} is not a usable SQL name.`,
      {
        hint: "Names must be non-empty strings without NUL characters.",
      },
    );
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."table"`, or `"table"` without a schema. */
export function qualifiedName(table: string, schema?: string): string {
  return schema === undefined
    ? quoteIdent(table, "table name")
    : `${quoteIdent(schema, "schema")}.${quoteIdent(table, "table name")}`;
}

/** The 1-based line of a 0-based offset in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A query without its trailing semicolons and blank space, so it can sit inside a subquery. */
export function withoutTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, "");
}

/** End of a quoted run starting at `start` (the opening quote), with doubled quotes as escapes. */
function endOfQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

/**
 * Rewrites `:name` parameters as positional ones (`?` for SQLite, `$1…` for PostgreSQL) outside
 * strings, quoted names, comments, dollar-quoted bodies and `::` casts; newlines are kept, so
 * positions in errors still point at the right line.
 * @throws DatasetError `KILN_SQL_BAD_PARAMS` when the query uses a name not given, or a given one is unused.
 */
export function bindNamed(
  sql: string,
  params: Record<string, unknown>,
  dialect: "sqlite" | "postgresql",
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const numbers = new Map<string, number>();
  const used = new Set<string>();
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    let end = i + 1;
    if (c === "'" || c === '"' || c === "`") end = endOfQuoted(sql, i, c);
    else if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      end = nl < 0 ? sql.length : nl;
    } else if (c === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      end = close < 0 ? sql.length : close + 2;
    } else if (c === "$" && dialect === "postgresql") {
      const tag = /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.exec(sql.slice(i))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        end = close < 0 ? sql.length : close + tag.length;
      }
    } else if (c === ":" && sql[i + 1] === ":") end = i + 2;
    else if (c === ":" && /[A-Za-z_]/.test(sql[i + 1] ?? "")) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      if (!Object.hasOwn(params, name)) {
        throw new DatasetError(
          "KILN_SQL_BAD_PARAMS",
          `The query uses :${name}, which load_args.params does not give.`,
          {
            hint: `Add ${name} to load_args.params${Object.keys(params).length > 0 ? ` (given: ${quoteList(Object.keys(params))})` : ""}.`,
          },
        );
      }
      used.add(name);
      if (dialect === "sqlite") {
        values.push(params[name]);
        out += "?";
      } else {
        let n = numbers.get(name);
        if (n === undefined) {
          values.push(params[name]);
          n = values.length;
          numbers.set(name, n);
        }
        out += `$${n}`;
      }
      i += name.length + 1;
      continue;
    }
    out += sql.slice(i, end);
    i = end;
  }
  const unused = Object.keys(params).filter((k) => !used.has(k));
  if (unused.length > 0) {
    throw new DatasetError(
      "KILN_SQL_BAD_PARAMS",
      `load_args.params gives ${quoteList(unused)}, which the query does not use (as :name).`,
      { hint: "Remove it, or fix the name in the query." },
    );
  }
  return { text: out, values };
}
