// Starts a private, real PostgreSQL server on a free 127.0.0.1 port for tests (the SQL datasets, the
// tracking store): `initdb` into a temp dir, `pg_ctl start`, and `stop()` removes it all again.
// As root, the server runs as the `postgres` user (pg_ctl refuses root). It fails, never skips, when
// PostgreSQL is not installed: CI installs it (`.ci/run`), and so can you (apt-get install -y postgresql).
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A running server: where it listens, who may log in, and how to stop it. */
export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** `postgresql://user:password@127.0.0.1:port/database` (the password percent-encoded). */
  url: string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** The login's password (default "kiln"); tests of secret masking pass a canary. */
  password?: string;
  /** How long `pg_ctl` waits for the server (default 60 s: a busy CI machine is slow, not broken). */
  timeoutSeconds?: number;
}

const INSTALL_HINT =
  "Install it with `apt-get install -y postgresql` (Debian; `bash .ci/run` does this), " +
  "or set KILN_PG_BIN to the folder that holds initdb and pg_ctl.";

/** The folder with initdb and pg_ctl: $KILN_PG_BIN, else the newest /usr/lib/postgresql/<v>/bin. */
export function findPostgresBin(): string {
  const fromEnv = process.env.KILN_PG_BIN;
  if (fromEnv) {
    if (existsSync(join(fromEnv, "initdb"))) return fromEnv;
    throw new Error(`KILN_PG_BIN=${fromEnv} has no initdb. ${INSTALL_HINT}`);
  }
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(`PostgreSQL is not installed (no ${root}/*/bin/initdb). ${INSTALL_HINT}`);
  return join(root, versions[0]!, "bin");
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/** Runs a PostgreSQL program, as the `postgres` user when we are root. */
async function runAsServerUser(program: string, args: string[]): Promise<void> {
  const [command, argv] =
    userInfo().uid === 0 ? ["runuser", ["-u", "postgres", "--", program, ...args]] : [program, args];
  try {
    await run(command, argv, { timeout: 180_000 });
  } catch (error) {
    const e = error as Error & { stderr?: string; stdout?: string };
    throw new Error(`${program} ${args[0] ?? ""} failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

/**
 * Starts a PostgreSQL server on 127.0.0.1 with a password login (scram-sha-256) and one database.
 * @throws Error naming the install command when PostgreSQL is missing, or the server's log when it will not start.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const user = "kiln";
  const password = options.password ?? "kiln";
  const dir = await mkdtemp(join(tmpdir(), "kiln-pg-"));
  const data = join(dir, "data");
  const pwfile = join(dir, "pwfile");
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (userInfo().uid === 0) {
    const { stdout } = await run("id", ["-u", "postgres"]).catch(() => {
      throw new Error(`There is no "postgres" user to run the server as. ${INSTALL_HINT}`);
    });
    const uid = Number(stdout.trim());
    await chown(dir, uid, -1);
    await chown(pwfile, uid, -1);
  }
  await chmod(dir, 0o700);
  const port = await freePort();
  const timeout = String(options.timeoutSeconds ?? 60);
  let started = false;
  const stop = async () => {
    if (started) await runAsServerUser(join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-w"]);
    started = false;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await runAsServerUser(join(bin, "initdb"), [
      "-D",
      data,
      "-U",
      user,
      `--pwfile=${pwfile}`,
      "--auth-host=scram-sha-256",
      "--auth-local=trust",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
    ]);
    const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await runAsServerUser(join(bin, "pg_ctl"), [
      "start",
      "-D",
      data,
      "-l",
      join(dir, "server.log"),
      "-w",
      "-t",
      timeout,
      "-o",
      serverOptions,
    ]);
    started = true;
    await runAsServerUser(join(bin, "createdb"), ["-h", dir, "-p", String(port), "-U", user, user]);
  } catch (error) {
    const log = await readFile(join(dir, "server.log"), "utf8").catch(() => "");
    await stop().catch(() => undefined);
    if (log) (error as Error).message += `\nserver log:\n${log.slice(-4000)}`;
    throw error;
  }
  const url = `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${user}`;
  return { host: "127.0.0.1", port, user, password, database: user, url, stop };
}
