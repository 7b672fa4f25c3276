// Connection strings (`credentials.con`, SQLAlchemy's URL shapes) → what the drivers need, plus a
// display form with the password masked: the only form that goes into messages and describe().
import { isAbsolute, resolve } from "node:path";
import { closestMatches, DatasetError } from "kiln";

/** An SQLite database: a file, or `:memory:` (one per process, shared by the datasets that name it). */
export interface SqliteTarget {
  dialect: "sqlite";
  /** An absolute file path, or `:memory:`. */
  path: string;
  /** The connection string as it may be shown. */
  display: string;
  secrets: string[];
}

/** A PostgreSQL server and database. */
export interface PostgresTarget {
  dialect: "postgresql";
  host: string;
  port: number;
  user?: string;
  password?: string;
  database?: string;
  /** From `sslmode`: false for disable/allow/prefer, else TLS (verified for verify-ca/verify-full). */
  ssl: false | { rejectUnauthorized: boolean };
  applicationName?: string;
  /** From `connect_timeout` (seconds). */
  connectTimeoutMs?: number;
  /** From the `host` query option: a Unix socket folder to connect through instead of TCP. */
  socketDir?: string;
  display: string;
  secrets: string[];
}

export type ConnectionTarget = SqliteTarget | PostgresTarget;

const EXAMPLE =
  "e.g. in conf/local/credentials.yml: `db_credentials: { con: sqlite:///data/db.sqlite }` or " +
  "`{ con: postgresql://user:password@localhost:5432/database }`, and `credentials: db_credentials` in the entry.";
const SCHEMES = ["sqlite", "postgresql", "postgres"];
const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];
const PG_OPTIONS = ["sslmode", "application_name", "connect_timeout", "host"];

function bad(message: string, hint = EXAMPLE): DatasetError {
  return new DatasetError("KILN_SQL_BAD_CONNECTION", message, { hint });
}

/**
 * `con` with the password replaced by `***`, whatever shape it has (it may not parse): the part
 * between the first `:` after `scheme://` and the last `@` is masked.
 */
export function redactConnection(con: string): string {
  const start = con.indexOf("://");
  if (start < 0) return con;
  const at = con.lastIndexOf("@");
  if (at < start) return con;
  const colon = con.indexOf(":", start + 3);
  if (colon < 0 || colon > at) return con;
  return `${con.slice(0, colon + 1)}***${con.slice(at)}`;
}

function decode(part: string, what: string, display: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw bad(
      `The ${what} in the connection string ${display} has a malformed %-escape.`,
      "Percent-encode special characters: @ is %40, : is %3A, / is %2F, % is %25.",
    );
  }
}

function parseSqlite(con: string, rest: string, projectPath: string | undefined): SqliteTarget {
  const display = con;
  if (rest === "" || rest === "/:memory:" || rest === ":memory:") {
    return { dialect: "sqlite", path: ":memory:", display: "sqlite:///:memory:", secrets: [] };
  }
  if (!rest.startsWith("/")) {
    throw bad(
      `The SQLite connection string ${display} names a host ("${rest.split("/")[0]}"); SQLite has none.`,
      "Write sqlite:///relative/path.sqlite (three slashes: relative to the project) or sqlite:////absolute/path.sqlite.",
    );
  }
  const [file = "", query] = rest.slice(1).split("?", 2);
  if (query !== undefined) {
    throw bad(
      `The SQLite connection string ${display} has options (?${query}); Kiln's SQLite connections take none.`,
      "Remove everything from the `?`.",
    );
  }
  if (file === "") throw bad(`The SQLite connection string ${display} has no file path.`);
  const path = decode(file, "file path", display);
  return {
    dialect: "sqlite",
    path: isAbsolute(path) ? path : resolve(projectPath ?? process.cwd(), path),
    display,
    secrets: [],
  };
}

function parsePostgres(con: string, scheme: string, rest: string): PostgresTarget {
  const display = redactConnection(con);
  const at = rest.lastIndexOf("@");
  const userinfo = at >= 0 ? rest.slice(0, at) : undefined;
  const afterUser = at >= 0 ? rest.slice(at + 1) : rest;
  const queryAt = afterUser.indexOf("?");
  const query = queryAt >= 0 ? afterUser.slice(queryAt + 1) : "";
  const hostAndPath = queryAt >= 0 ? afterUser.slice(0, queryAt) : afterUser;
  const slash = hostAndPath.indexOf("/");
  const hostPort = slash >= 0 ? hostAndPath.slice(0, slash) : hostAndPath;
  const path = slash >= 0 ? hostAndPath.slice(slash + 1) : "";
  const target: PostgresTarget = {
    dialect: "postgresql",
    host: "",
    port: 5432,
    ssl: false,
    display,
    secrets: [],
  };
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(":");
    const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
    if (user !== "") target.user = decode(user, "user name", display);
    if (colon >= 0) {
      const raw = userinfo.slice(colon + 1);
      target.password = decode(raw, "password", display);
      target.secrets.push(raw, target.password);
    }
  }
  if (hostPort.includes(",")) {
    throw bad(
      `The connection string ${display} lists several hosts; Kiln connects to one.`,
      "Keep one host:port.",
    );
  }
  const bracket = hostPort.startsWith("[") ? hostPort.indexOf("]") : -1;
  const portColon = bracket >= 0 ? hostPort.indexOf(":", bracket) : hostPort.lastIndexOf(":");
  const host = portColon >= 0 ? hostPort.slice(0, portColon) : hostPort;
  target.host = decode(bracket >= 0 ? host.slice(1, -1) : host, "host", display);
  if (portColon >= 0) {
    const port = hostPort.slice(portColon + 1);
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      throw bad(
        `The port "${port}" in the connection string ${display} is not a number from 1 to 65535.`,
        `e.g. ${scheme}://user:password@localhost:5432/database`,
      );
    }
    target.port = Number(port);
  }
  if (path.includes("/")) {
    throw bad(
      `The database name "${path}" in the connection string ${display} has a "/".`,
      "The path after host:port is one database name.",
    );
  }
  if (path !== "") target.database = decode(path, "database name", display);
  for (const pair of query === "" ? [] : query.split("&")) {
    const [key = "", value = ""] = pair.split("=", 2).map((p) => decode(p, "options", display));
    if (key === "sslmode") {
      if (!SSL_MODES.includes(value)) {
        throw bad(
          `sslmode=${value} in the connection string ${display} is not a PostgreSQL SSL mode.`,
          `Use one of ${SSL_MODES.join(", ")}.`,
        );
      }
      target.ssl = ["disable", "allow", "prefer"].includes(value)
        ? false
        : { rejectUnauthorized: value.startsWith("verify") };
    } else if (key === "application_name") target.applicationName = value;
    else if (key === "connect_timeout") {
      if (!/^\d+$/.test(value)) {
        throw bad(
          `connect_timeout=${value} in ${display} is not a whole number of seconds.`,
          "connect_timeout=10",
        );
      }
      target.connectTimeoutMs = Number(value) * 1000;
    } else if (key === "host") target.socketDir = value;
    else {
      const near = closestMatches(key, PG_OPTIONS);
      throw bad(
        `The connection string ${display} has an option "${key}" that Kiln does not know.`,
        `${near.length > 0 ? `Did you mean "${near[0]}"? ` : ""}Options: ${PG_OPTIONS.join(", ")}.`,
      );
    }
  }
  if (target.host === "" && target.socketDir === undefined) {
    throw bad(
      `The connection string ${display} has no host.`,
      `Write ${scheme}://user:password@HOST:5432/database (or ?host=/var/run/postgresql for a Unix socket).`,
    );
  }
  return target;
}

/**
 * Parses `credentials.con`. A relative SQLite path is the project's (`sqlite:///data/db.sqlite`).
 * @throws DatasetError `KILN_SQL_BAD_CONNECTION` naming the part that is wrong, never the password.
 */
export function parseConnection(con: unknown, projectPath?: string): ConnectionTarget {
  if (con === undefined || con === null) {
    throw bad("The dataset has no connection string: `credentials.con` is not set.");
  }
  if (typeof con !== "string") throw bad(`\`credentials.con\` must be a string, got a ${typeof con}.`);
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(con);
  if (!match)
    throw bad(`The connection string "${redactConnection(con)}" has no scheme (sqlite: or postgresql:).`);
  const [, fullScheme = "", afterScheme = ""] = match;
  const scheme = fullScheme.toLowerCase().split("+")[0]!; // SQLAlchemy's driver suffix (postgresql+psycopg2) is accepted
  if (!SCHEMES.includes(scheme)) {
    const near = closestMatches(scheme, SCHEMES);
    throw bad(
      `The connection string ${redactConnection(con)} is for "${fullScheme}", which Kiln's SQL datasets do not speak.`,
      `${near.length > 0 ? `Did you mean "${near[0]}"? ` : ""}Use sqlite:///path/to/file.sqlite or postgresql://user:password@host:5432/database.`,
    );
  }
  if (!afterScheme.startsWith("//")) {
    throw bad(
      `The connection string ${redactConnection(con)} needs "//" after "${fullScheme}:".`,
      scheme === "sqlite"
        ? "e.g. sqlite:///data/db.sqlite"
        : "e.g. postgresql://user:password@localhost:5432/database",
    );
  }
  const rest = afterScheme.slice(2);
  return scheme === "sqlite" ? parseSqlite(con, rest, projectPath) : parsePostgres(con, fullScheme, rest);
}
