import { spawn } from "node:child_process";
import type { Command } from "commander";
import { VizError } from "../errors.js";

interface VizFlags {
  host?: string;
  port?: string;
  pipeline?: string;
  env?: string;
  autoreload?: boolean;
  browser?: boolean;
}

interface BuildFlags {
  output: string;
  pipeline?: string;
  env?: string;
  includePreviews?: boolean;
}

/** A port number from the command line. @throws VizError `KILN_VIZ_BAD_PORT`. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new VizError("KILN_VIZ_BAD_PORT", `--port must be a number from 0 to 65535, got "${value}".`, {
      hint: "e.g. kiln viz --port 4142 (0 picks a free port).",
    });
  }
  return port;
}

/** Opens `url` in the desktop's browser; quietly does nothing where there is none. */
function openBrowser(url: string): void {
  const [command, ...args] =
    process.platform === "darwin"
      ? ["open", url]
      : process.platform === "win32"
        ? ["cmd", "/c", "start", "", url]
        : ["xdg-open", url];
  try {
    const child = spawn(command!, args, { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // no browser here: the URL is printed anyway
  }
}

/**
 * Adds `kiln viz` and `kiln viz build` to the `kiln` program. The server and the site builder are
 * imported only when the command runs, so `kiln --help` stays fast.
 */
export function registerVizCommands(program: Command): void {
  const viz = program
    .command("viz")
    .description("show the pipelines and their runs as an interactive web page")
    .option("--host <host>", "the address to listen on", "127.0.0.1")
    .option("--port <port>", "the port to listen on (0 picks a free one)", "4141")
    .option("--pipeline <name>", "the pipeline the page opens on")
    .option("-e, --env <env>", "the config environment")
    .option("--autoreload", "reload the page when the project's code or config changes")
    .option("--no-browser", "do not open a browser")
    .action(async (flags: VizFlags) => {
      const { startVizServer } = await import("../server/viz-server.js");
      const server = await startVizServer({
        host: flags.host ?? "127.0.0.1",
        port: parsePort(flags.port ?? "4141"),
        ...(flags.pipeline ? { pipeline: flags.pipeline } : {}),
        ...(flags.env ? { env: flags.env } : {}),
        autoreload: Boolean(flags.autoreload),
      });
      process.stdout.write(`Kiln Viz is serving ${server.url} (Ctrl+C stops it)\n`);
      if (flags.browser !== false) openBrowser(server.url);
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  viz
    .command("build")
    .description("write the page as a static site (the API's answers as JSON files)")
    .requiredOption("-o, --output <dir>", "the folder to write")
    .option("--pipeline <name>", "the pipeline the page opens on")
    .option("-e, --env <env>", "the config environment")
    .option("--include-previews", "write dataset previews too (they hold data)")
    .action(async (flags: BuildFlags) => {
      const { buildStaticSite } = await import("../server/build-static-site.js");
      const result = await buildStaticSite({
        output: flags.output,
        ...(flags.pipeline ? { pipeline: flags.pipeline } : {}),
        ...(flags.env ? { env: flags.env } : {}),
        includePreviews: Boolean(flags.includePreviews),
      });
      process.stdout.write(`Wrote the viz to ${result.output} (${result.files} API files)\n`);
    });
}
