import type { Plugin, RunnerFactoryOptions } from "kiln";
import { registerDistributedCommands } from "./cli/register-commands.js";
import { parseRunnerParams } from "./coordinator/runner-params.js";

/**
 * `@kiln/distributed` as a Kiln plugin: found in a project's dependencies, it adds
 * `kiln run --runner distributed` (with `--runner-params redis=…,queue=…,retries=…,group_by=namespace,memory=redis`),
 * `kiln worker` and `kiln schedule add | list | rm`.
 */
const plugin: Plugin = {
  name: "@kiln/distributed",
  runners: {
    // BullMQ and ioredis load only when a run asks for this runner: every other command in a
    // project that has the plugin pays nothing for them.
    distributed: async (options: RunnerFactoryOptions) => {
      const params = parseRunnerParams(options.params);
      const { DistributedRunner } = await import("./coordinator/distributed-runner.js");
      return new DistributedRunner({ ...params, logger: options.logger });
    },
  },
  commands: [registerDistributedCommands],
};
export default plugin;
