// Runners plugins add (`Plugin.runners`): found by name, given the session's options, and checked.
import { describe, expect, it } from "vitest";
import type { Plugin } from "../hooks/index.js";
import { createLogger } from "../logging/index.js";
import { SequentialRunner } from "../runner/index.js";
import { createRunner, type RunnerFactoryOptions } from "./runner-factory.js";

const logger = createLogger({ sink: () => {} });
const source = { module: "/p/src/pipelines.ts", export: "registerPipelines", name: "*" };
const make = (name: string, plugins: Plugin[], params: Record<string, unknown> = {}) =>
  createRunner({ name, params, source, logger, projectPath: "/p", plugins });

describe("plugin runners", () => {
  it("are made by name from the plugin's factory, with the params as given", async () => {
    const seen: RunnerFactoryOptions[] = [];
    const runner = new SequentialRunner({ logger });
    const plugin: Plugin = {
      name: "remote",
      runners: {
        remote: (options: RunnerFactoryOptions) => {
          seen.push(options);
          return runner;
        },
      },
    };
    expect(await make("remote", [plugin], { max_jobs: 3 })).toBe(runner);
    expect(seen).toEqual([{ params: { max_jobs: 3 }, logger, projectPath: "/p", source, threadCodecs: [] }]);
  });

  it("may not take a built-in runner's name, nor another plugin's", async () => {
    const factory = () => new SequentialRunner({ logger });
    await expect(make("sequential", [{ name: "p1", runners: { parallel: factory } }])).rejects.toMatchObject({
      code: "KILN_RUNNER_NAME_TAKEN",
      message: `Plugin "p1" adds a runner named "parallel", which is Kiln's built-in runner already.`,
    });
    const twice = [
      { name: "p1", runners: { remote: factory } },
      { name: "p2", runners: { remote: factory } },
    ];
    await expect(make("remote", twice)).rejects.toMatchObject({
      code: "KILN_RUNNER_NAME_TAKEN",
      message: `Plugin "p2" adds a runner named "remote", which is plugin "p1"'s runner already.`,
    });
  });

  it("must be functions", async () => {
    await expect(make("remote", [{ name: "p1", runners: { remote: { run() {} } } }])).rejects.toMatchObject({
      code: "KILN_RUNNER_BAD_PLUGIN_RUNNER",
      message: `Plugin "p1" adds runner "remote" as object, not a function.`,
    });
  });

  it("are suggested for a misspelt name; a known optional runner names its package", async () => {
    const plugin: Plugin = { name: "p1", runners: { remote: () => new SequentialRunner({ logger }) } };
    await expect(make("remot", [plugin])).rejects.toMatchObject({
      code: "KILN_RUNNER_UNKNOWN",
      hint: expect.stringContaining('"remote"'),
    });
    await expect(make("distributed", [])).rejects.toMatchObject({
      code: "KILN_RUNNER_UNKNOWN",
      message:
        "The distributed runner comes with @kiln/distributed, which is not among the project's dependencies.",
      hint: "npm install @kiln/distributed (in /p), then run again.",
    });
  });
});
