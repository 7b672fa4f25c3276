// Database and driver errors → Kiln errors that say which server, table or query line, with a hint,
// and never the password (foreign messages and the wrapped `cause` are scrubbed too).
import { closestMatches, DatasetError, quoteList, scrubSecrets } from "kiln";
import type { ConnectionTarget } from "./connection.js";
import type { SqlClient } from "./sql-client.js";

/** What a failing statement was: its text as sent, where it came from, the schema it ran in. */
export interface StatementContext {
  sql?: string;
  /** The .sql file the query was read from. */
  file?: string;
  schema?: string;
}

type ForeignError = Error & { code?: string; position?: string; hint?: string; detail?: string };

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ECONNRESET: "connection reset",
  ENOENT: "no socket there",
};

/** Removes the target's secrets from an error's message and stack, in place, so a wrapped cause is safe to print. */
function scrubbed(error: unknown, target: ConnectionTarget): ForeignError {
  const e = (error instanceof Error ? error : new Error(String(error))) as ForeignError;
  if (target.secrets.length > 0) {
    e.message = scrubSecrets(e.message, target.secrets);
    if (e.stack) e.stack = scrubSecrets(e.stack, target.secrets);
  }
  return e;
}

function where(target: ConnectionTarget): string {
  if (target.dialect === "sqlite")
    return target.path === ":memory:" ? "the in-memory SQLite database" : `SQLite ${target.path}`;
  return `PostgreSQL at ${target.socketDir ?? `${target.host}:${target.port}`}`;
}

/** The error for a failed connection attempt. */
export function connectError(error: unknown, target: ConnectionTarget): DatasetError {
  if (error instanceof DatasetError) return error;
  const e = scrubbed(error, target);
  if (target.dialect === "postgresql") {
    const reason = (e.code && UNREACHABLE[e.code]) ?? (/timeout/i.test(e.message) ? "timed out" : undefined);
    const place = target.socketDir ?? `${target.host}:${target.port}`;
    if (reason) {
      return new DatasetError("KILN_SQL_UNREACHABLE", `Could not reach PostgreSQL at ${place} (${reason}).`, {
        cause: e,
        hint: `Check that the server is running and listening there (pg_isready -h ${target.socketDir ?? target.host} -p ${target.port}), and the host and port in ${target.display}.`,
      });
    }
    if (e.code === "3D000") {
      return new DatasetError("KILN_SQL_NO_DATABASE", `${where(target)}: ${e.message}.`, {
        cause: e,
        hint: `Create it (createdb ${target.database ?? ""}) or fix the database name in ${target.display}.`,
      });
    }
    if (e.code === "28P01" || e.code === "28000") {
      return new DatasetError("KILN_SQL_CONNECT", `${where(target)} refused the login: ${e.message}.`, {
        cause: e,
        hint: "Check the user name and password of credentials.con (conf/local/credentials.yml).",
      });
    }
  }
  return new DatasetError("KILN_SQL_CONNECT", `Could not connect to ${where(target)}: ${e.message}`, {
    cause: e,
    hint: `Check ${target.display} in the entry's credentials.`,
  });
}

/** The table name in a "no such table" / "relation does not exist" error, if it is one. */
function missingTable(e: ForeignError): string | undefined {
  if (e.code === "42P01") return /relation "(.+)" does not exist/.exec(e.message)?.[1];
  return /^no such table: (?:main\.)?(.+)$/.exec(e.message)?.[1];
}

function isSyntaxError(e: ForeignError): boolean {
  return (
    e.code === "42601" ||
    /syntax error|incomplete input|unrecognized token|more than one statement|cannot insert multiple commands/.test(
      e.message,
    )
  );
}

/** The error for a table that is not there, with close names from the database. */
export async function noTableError(
  client: SqlClient,
  target: ConnectionTarget,
  table: string,
  schema: string | undefined,
  cause?: unknown,
): Promise<DatasetError> {
  const names = await client.tableNames(schema).catch(() => [] as string[]);
  const near = closestMatches(table, names);
  const listed =
    names.length === 0
      ? "it has no tables"
      : `its tables: ${quoteList(names.slice(0, 20))}${names.length > 20 ? ", …" : ""}`;
  return new DatasetError(
    "KILN_SQL_NO_TABLE",
    `Table "${table}" does not exist in ${where(target)}${schema ? ` (schema "${schema}")` : ""}; ${listed}.`,
    {
      ...(cause === undefined ? {} : { cause: scrubbed(cause, target) }),
      hint:
        near.length > 0
          ? `Did you mean "${near[0]}"?`
          : "Check table_name (and schema), or run the node that saves the table first.",
    },
  );
}

/** The error for a failed statement: syntax (with the query's file:line), missing table, or the database's own message. */
export async function statementError(
  error: unknown,
  client: SqlClient,
  target: ConnectionTarget,
  context: StatementContext,
): Promise<DatasetError> {
  if (error instanceof DatasetError) return error;
  const e = scrubbed(error, target);
  if (context.sql !== undefined && isSyntaxError(e)) {
    const line = client.syntaxErrorLine(context.sql, e);
    const place = context.file
      ? `${context.file}${line ? `:${line}` : ""}`
      : `the query${line ? ` (line ${line})` : ""}`;
    const text = line ? context.sql.split("\n")[line - 1]?.trim() : undefined;
    return new DatasetError(
      "KILN_SQL_SYNTAX",
      `SQL syntax error in ${place}: ${e.message}${text ? `\n  ${line} | ${text}` : ""}`,
      {
        cause: e,
        hint: `Fix the query${context.file ? ` in ${context.file}` : ""}; a dataset runs one statement, in the database's dialect (${target.dialect}).`,
      },
    );
  }
  const table = missingTable(e);
  if (table !== undefined) return noTableError(client, target, table, context.schema, e);
  const extra = [e.detail, e.hint].filter(Boolean).join(" ");
  return new DatasetError("KILN_SQL_FAILED", `${where(target)}: ${e.message}${extra ? ` (${extra})` : ""}`, {
    cause: e,
    hint: "The database refused the statement: check the data and the table's definition.",
  });
}
