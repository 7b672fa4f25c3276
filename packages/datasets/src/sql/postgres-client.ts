import type { PostgresTarget } from "./connection.js";
import { loadDriver, type PgModule } from "./drivers.js";
import type { QueryResult, SqlClient } from "./sql-client.js";
import { lineAt } from "./sql-text.js";

/** PostgreSQL's limit on bound parameters per statement. */
const MAX_PARAMS = 65535;

/** Type names by OID for the types Kiln maps to Polars; every other type is read as text. */
const TYPES: Record<number, string> = {
  16: "bool",
  20: "int8",
  21: "int2",
  23: "int4",
  26: "int8", // oid: unsigned 32-bit
  700: "float4",
  701: "float8",
  1700: "numeric",
  1082: "date",
  1114: "timestamp",
  1184: "timestamptz",
  25: "text",
  1043: "text",
  1042: "text",
  19: "text",
};

/** Every value arrives as the server's text; {@link fromText} turns it into a JS value. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };

/** A `Date` from PostgreSQL's date/timestamp text (UTC unless it has an offset), or the text when JS cannot hold it (BC, infinity). */
function toDate(text: string, withOffset: boolean): Date | string {
  const iso = text.replace(" ", "T");
  const date = new Date(withOffset ? iso.replace(/([+-]\d\d)$/, "$1:00") : `${iso}Z`);
  return Number.isNaN(date.getTime()) ? text : date;
}

function fromText(type: string | null, text: string | null): unknown {
  if (text === null) return null;
  switch (type) {
    case "bool":
      return text === "t";
    case "int2":
    case "int4":
      return Number(text);
    case "int8":
      return BigInt(text);
    case "float4":
    case "float8":
    case "numeric":
      return Number(text);
    case "date":
      return /^\d{4}-\d\d-\d\d$/.test(text) ? toDate(`${text} 00:00:00`, false) : text;
    case "timestamp":
      return toDate(text, false);
    case "timestamptz":
      return toDate(text, true);
    default:
      return text;
  }
}

function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" && !Number.isFinite(value)) return String(value); // NaN, Infinity: float text
  return value;
}

class PostgresClient implements SqlClient {
  readonly dialect = "postgresql";
  readonly #client: InstanceType<PgModule["Client"]>;

  constructor(client: InstanceType<PgModule["Client"]>) {
    this.#client = client;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    const result = await this.#client.query({
      text: sql,
      values: params.map(bindable),
      rowMode: "array",
      types: RAW_TEXT,
    });
    const fields = result.fields ?? [];
    const columns = fields.map((f) => ({ name: f.name, type: TYPES[f.dataTypeID] ?? null }));
    const rows = (result.rows as Array<Array<string | null>>).map((row) =>
      row.map((text, c) => fromText(columns[c]!.type, text)),
    );
    return { columns, rows };
  }

  async insert(
    table: string,
    columns: string[],
    values: unknown[][],
    rowsPerStatement = 1000,
  ): Promise<void> {
    const rows = values[0]?.length ?? 0;
    const perRow = columns.length;
    const batch = Math.max(1, Math.min(rowsPerStatement, Math.floor(MAX_PARAMS / perRow)));
    const prefix = `INSERT INTO ${table} (${columns.join(", ")}) VALUES `;
    for (let start = 0; start < rows; start += batch) {
      const count = Math.min(batch, rows - start);
      const tuples: string[] = [];
      const args: unknown[] = [];
      for (let r = 0; r < count; r++) {
        const marks: string[] = [];
        for (let c = 0; c < perRow; c++) {
          args.push(bindable(values[c]![start + r]));
          marks.push(`$${args.length}`);
        }
        tuples.push(`(${marks.join(", ")})`);
      }
      await this.#client.query(prefix + tuples.join(", "), args);
    }
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.#client.query("BEGIN");
    try {
      const result = await fn();
      await this.#client.query("COMMIT");
      return result;
    } catch (error) {
      await this.#client.query("ROLLBACK").catch(() => undefined); // the connection may be gone; the first error matters
      throw error;
    }
  }

  async tableNames(schema?: string): Promise<string[]> {
    const result = await this.#client.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = COALESCE($1, current_schema()) ORDER BY 1",
      [schema ?? null],
    );
    return result.rows.map((r) => r.name);
  }

  syntaxErrorLine(sql: string, error: unknown): number | undefined {
    const position = Number((error as { position?: string }).position);
    return Number.isInteger(position) && position > 0 ? lineAt(sql, position - 1) : undefined;
  }

  placeholder(n: number): string {
    return `$${n}`;
  }

  async close(): Promise<void> {
    await this.#client.end().catch(() => undefined);
  }
}

/** Connects to the server; the password goes to the driver and nowhere else. */
export async function openPostgres(target: PostgresTarget): Promise<SqlClient> {
  const pg = await loadDriver<PgModule>("pg");
  const client = new pg.Client({
    host: target.socketDir ?? target.host,
    port: target.port,
    ...(target.user !== undefined ? { user: target.user } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    ...(target.database !== undefined ? { database: target.database } : {}),
    ssl: target.ssl,
    ...(target.applicationName !== undefined ? { application_name: target.applicationName } : {}),
    connectionTimeoutMillis: target.connectTimeoutMs ?? 30_000,
  });
  client.on("error", () => undefined); // a dropped connection rejects the running query; the event must not crash the process
  await client.connect();
  return new PostgresClient(client);
}
