import { createLogger } from "kiln";
import { describe, expect, it } from "vitest";
import { DistributedRunner } from "./coordinator/distributed-runner.js";
import plugin from "./plugin.js";

describe("the @kiln/distributed plugin", () => {
  it("adds the distributed runner, built from --runner-params", async () => {
    const logger = createLogger({ sink: () => {} });
    const factory = plugin.runners!.distributed as (o: unknown) => Promise<DistributedRunner>;
    const runner = await factory({
      params: { redis: "redis://10.0.0.5:6379", queue: "train", retries: 2, group_by: "namespace" },
      logger,
      projectPath: "/p",
      source: { module: "/p/src/pipelines.ts", export: "registerPipelines" },
    });
    expect(runner).toBeInstanceOf(DistributedRunner);
    expect(runner.name).toBe("DistributedRunner");
    expect(runner.settings).toMatchObject({
      redis: "redis://10.0.0.5:6379",
      queue: "train",
      retries: 2,
      groupBy: "namespace",
    });
    await expect(
      factory({ params: { group: "namespace" }, logger, projectPath: "/p", source: {} }),
    ).rejects.toMatchObject({ code: "KILN_DISTRIBUTED_BAD_PARAM" });
  });

  it("adds kiln worker and kiln schedule add | list | rm", () => {
    const added: string[] = [];
    const fake = (prefix: string): unknown => ({
      command(name: string) {
        added.push(`${prefix}${name.split(" ")[0]}`);
        return fake(`${prefix}${name.split(" ")[0]} `);
      },
      description() {
        return this;
      },
      option() {
        return this;
      },
      action() {
        return this;
      },
    });
    for (const register of plugin.commands ?? []) (register as (p: unknown) => void)(fake(""));
    expect(added).toEqual(["worker", "schedule", "schedule add", "schedule list", "schedule rm"]);
  });
});
