// Starts a private, real Redis server on a free 127.0.0.1 port for tests (the distributed runner, its
// workers and schedules): Debian's `redis-server`, no persistence, its files in a temp dir, and
// `stop()` ends it and removes them. It fails, never skips, when Redis is not installed: CI installs
// it (`.ci/run`), and so can you (apt-get install -y redis-server).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A running server: where it listens and how to stop it. */
export interface RedisServer {
  host: string;
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

const INSTALL_HINT =
  "Install it with `apt-get install -y redis-server` (Debian; `bash .ci/run` does this), or set KILN_REDIS_SERVER to its path.";

/** The redis-server binary: $KILN_REDIS_SERVER, else Debian's. */
export function findRedisServer(): string {
  const bin = process.env.KILN_REDIS_SERVER ?? "/usr/bin/redis-server";
  if (!existsSync(bin)) throw new Error(`Redis is not installed (no ${bin}). ${INSTALL_HINT}`);
  return bin;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/**
 * Starts `redis-server` on 127.0.0.1 and waits until it accepts connections (60 s at most: a busy
 * machine is slow, not broken).
 * @throws Error naming the install command when Redis is missing, or with the server's output when it will not start.
 */
export async function startRedis(options: { timeoutSeconds?: number } = {}): Promise<RedisServer> {
  const bin = findRedisServer();
  const dir = await mkdtemp(join(tmpdir(), "kiln-redis-"));
  const port = await freePort();
  const child: ChildProcess = spawn(
    bin,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start within ${options.timeoutSeconds ?? 60} s`)),
        (options.timeoutSeconds ?? 60) * 1000,
      );
      const check = () => {
        if (/ready to accept connections/i.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", check);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with code ${code}`));
      });
      check();
    });
  } catch (error) {
    await stop().catch(() => undefined);
    (error as Error).message += `\nserver output:\n${output.slice(-4000)}`;
    throw error;
  }
  child.stdout!.off("data", collect);
  child.stderr!.off("data", collect);
  child.stdout!.resume();
  child.stderr!.resume();
  return { host: "127.0.0.1", port, url: `redis://127.0.0.1:${port}`, stop };
}
