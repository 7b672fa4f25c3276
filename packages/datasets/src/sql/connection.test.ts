import { describe, expect, it } from "vitest";
import { parseConnection, redactConnection } from "./connection.js";

function thrown(fn: () => unknown): Error & { code?: string; hint?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string; hint?: string };
  }
  throw new Error("expected a throw");
}

describe("parseConnection", () => {
  it("resolves a relative SQLite file against the project, and keeps absolute ones", () => {
    expect(parseConnection("sqlite:///data/db.sqlite", "/proj")).toMatchObject({
      dialect: "sqlite",
      path: "/proj/data/db.sqlite",
    });
    expect(parseConnection("sqlite:////var/db.sqlite", "/proj")).toMatchObject({ path: "/var/db.sqlite" });
    expect(parseConnection("sqlite:///:memory:")).toMatchObject({ path: ":memory:" });
    expect(parseConnection("sqlite://")).toMatchObject({ path: ":memory:" });
  });

  it("reads a PostgreSQL URL with percent-encoded parts, SQLAlchemy's driver suffix and options", () => {
    const target = parseConnection(
      "postgresql+psycopg2://ana%40corp:p%40ss%3Aw0rd@db.example.com:6543/sales?sslmode=verify-full&application_name=kiln&connect_timeout=5",
    );
    expect(target).toMatchObject({
      dialect: "postgresql",
      user: "ana@corp",
      password: "p@ss:w0rd",
      host: "db.example.com",
      port: 6543,
      database: "sales",
      ssl: { rejectUnauthorized: true },
      applicationName: "kiln",
      connectTimeoutMs: 5000,
    });
    expect(target.display).toBe(
      "postgresql+psycopg2://ana%40corp:***@db.example.com:6543/sales?sslmode=verify-full&application_name=kiln&connect_timeout=5",
    );
    expect(parseConnection("postgres://localhost")).toMatchObject({
      host: "localhost",
      port: 5432,
      ssl: false,
    });
    expect(parseConnection("postgresql://u@[::1]:5433/d")).toMatchObject({ host: "::1", port: 5433 });
    expect(parseConnection("postgresql:///d?host=/var/run/postgresql")).toMatchObject({
      socketDir: "/var/run/postgresql",
      database: "d",
    });
  });

  it.each([
    [undefined, "no connection string: `credentials.con` is not set", "credentials.yml"],
    [42, "must be a string, got a number", "credentials.yml"],
    ["localhost/db", "has no scheme", "credentials.yml"],
    ["mysql://u:canary-pw@h/db", 'is for "mysql", which Kiln\'s SQL datasets do not speak', "postgresql://"],
    ["sqllite:///x.db", 'is for "sqllite"', 'Did you mean "sqlite"?'],
    ["sqlite:/x.db", 'needs "//" after "sqlite:"', "sqlite:///data/db.sqlite"],
    ["sqlite://server/x.db", 'names a host ("server")', "three slashes"],
    ["sqlite:///x.db?mode=ro", "has options (?mode=ro)", "Remove everything"],
    ["postgresql://u:canary-pw@h:54x2/db", 'The port "54x2"', "postgresql://user:password@localhost:5432"],
    ["postgresql://u:canary-pw@h:70000/db", 'The port "70000"', "5432"],
    ["postgresql://u:canary-pw@:5432/db", "has no host", "HOST"],
    ["postgresql://u:canary-pw@h/a/b", 'database name "a/b"', "one database name"],
    ["postgresql://u:canary-pw@h1,h2/db", "lists several hosts", "one host"],
    ["postgresql://u:canary-pw@h/db?sslmod=require", 'an option "sslmod"', 'Did you mean "sslmode"?'],
    ["postgresql://u:canary-pw@h/db?sslmode=always", "sslmode=always", "verify-full"],
    ["postgresql://u:canary%ZZ@h/db", "The password in the connection string", "Percent-encode"],
  ])("says which part of %j is wrong, without the password", (con, message, hint) => {
    const error = thrown(() => parseConnection(con));
    expect(error.code).toBe("KILN_SQL_BAD_CONNECTION");
    expect(error.message).toContain(message);
    expect(error.hint).toContain(hint);
    expect(`${error.message} ${error.hint}`).not.toContain("canary");
  });
});

describe("redactConnection", () => {
  it("masks the password whatever the string's shape", () => {
    expect(redactConnection("postgresql://u:s3cret@h/db")).toBe("postgresql://u:***@h/db");
    expect(redactConnection("postgresql://u:s3c@r/et@h:1/db")).toBe("postgresql://u:***@h:1/db");
    expect(redactConnection("postgresql://u@h/db")).toBe("postgresql://u@h/db");
    expect(redactConnection("sqlite:///data/db.sqlite")).toBe("sqlite:///data/db.sqlite");
  });
});
