import type { Plugin, RunnerFactoryOptions } from "kiln";
import { registerDistributedCommands } from "./cli/register-commands.js";
import { DistributedRunner } from "./coordinator/distributed-runner.js";
import { parseRunnerParams } from "./coordinator/runner-params.js";

/**
 * `@kiln/distributed` as a Kiln plugin: found in a project's dependencies, it adds
 * `kiln run --runner distributed` (with `--runner-params redis=…,queue=…,retries=…,group_by=namespace,memory=redis`),
 * `kiln worker` and `kiln schedule add | list | rm`.
 */
const plugin: Plugin = {
  name: "@kiln/distributed",
  runners: {
    distributed: (options: RunnerFactoryOptions) =>
      new DistributedRunner({ ...parseRunnerParams(options.params), logger: options.logger }),
  },
  commands: [registerDistributedCommands],
};
export default plugin;
