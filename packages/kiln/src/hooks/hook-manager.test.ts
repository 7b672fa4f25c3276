import { describe, expect, it } from "vitest";
import { DataCatalog } from "../catalog/index.js";
import { KilnError } from "../errors/index.js";
import { node } from "../pipeline/index.js";
import { HookManager } from "./hook-manager.js";
import type { Hooks } from "./hooks.js";

const n = node({ func: (a: number, b: number) => a + b, inputs: ["a", "b"], outputs: "c", name: "add" });
const ctx = { node: n, catalog: new DataCatalog(), inputs: { a: 1, b: 2 }, isAsync: false, runId: "r1" };

describe("HookManager", () => {
  it("calls plugins in registration order, awaiting async hooks", async () => {
    const order: string[] = [];
    const manager = new HookManager([
      {
        name: "first",
        hooks: {
          afterNodeRun: async () => {
            await new Promise((r) => setTimeout(r, 5));
            order.push("first");
          },
        },
      },
      { name: "second", hooks: { afterNodeRun: () => void order.push("second") } },
    ]);
    await manager.call("afterNodeRun", { ...ctx, outputs: { c: 3 } });
    expect(order).toEqual(["first", "second"]);
    expect(manager.has("afterNodeRun")).toBe(true);
    expect(manager.has("beforeNodeRun")).toBe(false);
  });

  it("chains beforeNodeRun replacements: later hooks see earlier ones", async () => {
    const seen: unknown[] = [];
    const manager = new HookManager([
      { name: "one", hooks: { beforeNodeRun: () => ({ a: 10 }) } },
      {
        name: "two",
        hooks: {
          beforeNodeRun: ({ inputs }) => {
            seen.push(inputs.a);
            return { b: 20 };
          },
        },
      },
    ]);
    expect(await manager.beforeNodeRun(ctx)).toEqual({ a: 10, b: 20 });
    expect(seen).toEqual([10]);
  });

  it("rejects replacements for datasets the node does not read", async () => {
    const manager = new HookManager([{ name: "typo", hooks: { beforeNodeRun: () => ({ z: 1 }) } }]);
    await expect(manager.beforeNodeRun(ctx)).rejects.toMatchObject({
      code: "KILN_HOOK_BAD_RESULT",
      message: expect.stringContaining('Plugin "typo"'),
    });
    const arrays = new HookManager([
      { name: "arr", hooks: { beforeNodeRun: () => [1] as unknown as Record<string, unknown> } },
    ]);
    await expect(arrays.beforeNodeRun(ctx)).rejects.toMatchObject({ code: "KILN_HOOK_BAD_RESULT" });
  });

  it("names the plugin and hook of a throwing hook, keeping the cause", async () => {
    const boom = new Error("kaput");
    const manager = new HookManager([
      { name: "timing", hooks: { afterNodeRun: () => Promise.reject(boom) } },
    ]);
    const error = await manager.call("afterNodeRun", { ...ctx, outputs: {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "KILN_HOOK_FAILED",
      message: 'Hook afterNodeRun of plugin "timing" failed: kaput',
    });
    expect((error as Error).cause).toBe(boom);
  });

  it("keeps the code of a Kiln error a hook throws, naming the plugin and hook", async () => {
    const bad = new KilnError("KILN_AUDIT_BAD_CONFIG", "audit.yml:1:1: unknown key", {
      hint: "Fix audit.yml.",
    });
    const manager = new HookManager([
      { name: "audit", hooks: { beforePipelineRun: () => Promise.reject(bad) } },
    ]);
    const error = await manager.call("beforePipelineRun", {} as never).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "KILN_AUDIT_BAD_CONFIG",
      message: 'Hook beforePipelineRun of plugin "audit" failed: audit.yml:1:1: unknown key',
      hint: "Fix audit.yml.",
    });
  });

  it("refuses unknown hook names with a did-you-mean, duplicate and nameless plugins", () => {
    const typo = { beforeNodeRn: () => undefined } as unknown as Hooks;
    expect(() => new HookManager([{ name: "p", hooks: typo }])).toThrow(
      expect.objectContaining({ code: "KILN_HOOK_UNKNOWN", hint: 'Did you mean "beforeNodeRun"?' }),
    );
    expect(() => new HookManager([{ name: "p" }, { name: "p" }])).toThrow(
      expect.objectContaining({ code: "KILN_HOOK_DUPLICATE_PLUGIN" }),
    );
    expect(() => new HookManager([{ name: "" }])).toThrow(
      expect.objectContaining({ code: "KILN_HOOK_INVALID_PLUGIN" }),
    );
    expect(() => new HookManager([{ name: "p", hooks: { afterNodeRun: 3 as never } }])).toThrow(
      expect.objectContaining({ code: "KILN_HOOK_NOT_A_FUNCTION" }),
    );
    expect(() => new HookManager([{ name: "p", threadCodecs: "./codec.js" as never }])).toThrow(
      expect.objectContaining({
        code: "KILN_HOOK_INVALID_PLUGIN",
        message: 'Plugin "p": `threadCodecs` must be a list of module URLs or paths.',
      }),
    );
    expect(new HookManager([{ name: "p", threadCodecs: ["file:///codec.js"] }]).plugins).toHaveLength(1);
  });
});
