import { Command } from "commander";
import { createLogger, getDefaultLogger, type LogRecord, setDefaultLogger } from "kiln";
import { afterEach, describe, expect, it } from "vitest";
import plugin from "../plugin.js";
import { registerModelPredictCommand, registerServeCommands } from "./register-commands.js";
import { registerMonitorCommands } from "./register-monitor.js";
import { parseBatching, parseSize, parseTimeout } from "./serve-options.js";

const before = getDefaultLogger();
afterEach(() => setDefaultLogger(before));

function program(): Command {
  const p = new Command("kiln").exitOverride();
  p.option("-v, --verbose").option("-q, --quiet");
  return p;
}

async function run(p: Command, ...args: string[]): Promise<unknown> {
  try {
    await p.parseAsync(["node", "kiln", ...args]);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("kiln models serve", () => {
  it("is the serve plugin's command, in a models group it creates or shares", () => {
    expect(plugin.commands).toEqual([
      registerModelPredictCommand,
      registerServeCommands,
      registerMonitorCommands,
    ]);
    const fresh = program();
    registerServeCommands(fresh);
    const models = fresh.commands.find((c) => c.name() === "models")!;
    expect(models.commands.map((c) => c.name())).toEqual(["serve"]);

    const shared = program();
    shared.command("models").command("list");
    registerServeCommands(shared);
    expect(shared.commands.filter((c) => c.name() === "models")).toHaveLength(1);
    expect(shared.commands[0]!.commands.map((c) => c.name())).toEqual(["list", "serve"]);
  });

  it("names every option with its default in --help", () => {
    const p = program();
    registerServeCommands(p);
    const serve = p.commands[0]!.commands[0]!;
    const help = serve.helpInformation();
    for (const flag of [
      "--model-uri",
      "--host",
      "--port",
      "--workers",
      "--body-limit",
      "--timeout",
      "--env",
      "--batch-max-rows",
      "--batch-wait-ms",
    ]) {
      expect(help).toContain(flag);
    }
    expect(help).toContain('"127.0.0.1"');
    expect(help).toContain('"8080"');
  });

  it.each([
    [["--port", "http"], /--port must be a whole number/],
    [["--workers", "0"], /--workers must be a whole number from 1/],
    [["--body-limit", "lots"], /--body-limit must be a size/],
    [["--timeout", "-1"], /--timeout must be a duration/],
    [["--batch-max-rows", "0"], /--batch-max-rows must be a whole number from 1/],
    [["--batch-max-rows", "8", "--batch-wait-ms", "soon"], /--batch-wait-ms must be a number/],
    [["--batch-wait-ms", "2"], /--batch-wait-ms needs --batch-max-rows/],
  ])("refuses %j with KILN_SERVE_BAD_OPTION", async (flags, message) => {
    const p = program();
    registerServeCommands(p);
    const error = (await run(p, "models", "serve", "-m", "./model", ...flags)) as {
      code: string;
      message: string;
    };
    expect(error.code).toBe("KILN_SERVE_BAD_OPTION");
    expect(error.message).toMatch(message);
  });

  it("listens first, then fails with the loader's error for a model it cannot load", async () => {
    const lines: LogRecord[] = [];
    const p = program();
    registerServeCommands(p);
    // The command installs its own logger; record what it prints through a listener.
    const { addLogListener } = await import("kiln");
    const stop = addLogListener((r) => lines.push(r));
    setDefaultLogger(createLogger({ level: "silent" }));
    const error = (await run(p, "models", "serve", "-m", "/no/such/model", "--port", "0")) as {
      code?: string;
    };
    stop();
    expect(error?.code).toMatch(/^KILN_/);
    expect(lines.map((l) => l.message)).toContainEqual(
      expect.stringMatching(/^Serving \/no\/such\/model at http:\/\/127\.0\.0\.1:\d+/),
    );
  });

  it("reads sizes and durations in the units people write", () => {
    expect(parseSize("20mb")).toBe(20 * 2 ** 20);
    expect(parseSize("20MiB")).toBe(20 * 2 ** 20);
    expect(parseSize("512k")).toBe(512 * 1024);
    expect(parseSize("1048576")).toBe(1048576);
    expect(parseTimeout("60")).toBe(60_000);
    expect(parseTimeout("500ms")).toBe(500);
    expect(parseTimeout("2m")).toBe(120_000);
    expect(parseTimeout("1.5s")).toBe(1500);
    expect(parseBatching(undefined, undefined)).toBeUndefined();
    expect(parseBatching("64", undefined)).toEqual({ maxRows: 64, waitMs: 0 });
    expect(parseBatching("64", "2.5")).toEqual({ maxRows: 64, waitMs: 2.5 });
  });
});
