// Starts a real moto S3 server (`python3 -m moto.server`) on a free 127.0.0.1 port for the S3 tests.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Starts moto and waits until it answers; fails (never skips) with the reason when it cannot. */
export async function startMoto(env: Record<string, string> = {}, timeoutMs = 30_000): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited: string | undefined;
  child.once("exit", (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });
  child.once("error", (error) => {
    exited = `could not start: ${error.message}`;
  });
  const stop = async () => {
    if (exited === undefined) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await gone;
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== undefined) break;
    try {
      await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      return { endpoint, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stop();
  throw new Error(
    `The moto S3 server ${exited ?? "did not answer in time"}; install it with \`pip install "moto[server]"\`` +
      ` or set KILN_SKIP_S3=1 to skip the S3 tests.\n${stderr}`,
  );
}
