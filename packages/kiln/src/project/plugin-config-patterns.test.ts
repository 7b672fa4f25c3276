import { describe, expect, it } from "vitest";
import type { Plugin } from "../hooks/index.js";
import { projectConfigPatterns } from "./plugin-config-patterns.js";

const tracking: Plugin = { name: "tracking", configPatterns: { tracking: ["tracking*", "tracking*/**"] } };

function thrown(fn: () => unknown): { code?: string; message: string; hint?: string } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message: string; hint?: string };
  }
  throw new Error("expected an error");
}

describe("projectConfigPatterns", () => {
  it("collects the keys plugins ask for, and lets the settings override them", () => {
    const serving: Plugin = { name: "serving", configPatterns: { serving: ["serving*"] } };
    expect(projectConfigPatterns([{ name: "plain" }, tracking, serving])).toEqual({
      tracking: ["tracking*", "tracking*/**"],
      serving: ["serving*"],
    });
    expect(projectConfigPatterns([tracking], { tracking: ["mlflow*"], parameters: ["params*"] })).toEqual({
      tracking: ["mlflow*"],
      parameters: ["params*"],
    });
  });

  it("accepts two plugins asking for one key with the same patterns", () => {
    const again: Plugin = {
      name: "tracking-ui",
      configPatterns: { tracking: ["tracking*", "tracking*/**"] },
    };
    expect(projectConfigPatterns([tracking, again])).toEqual({ tracking: ["tracking*", "tracking*/**"] });
  });

  it("refuses a key another plugin asks for with other patterns, unless the settings decide it", () => {
    const other: Plugin = { name: "other", configPatterns: { tracking: ["runs*"] } };
    const error = thrown(() => projectConfigPatterns([tracking, other]));
    expect(error.code).toBe("KILN_PROJECT_PLUGIN_CONFIG_PATTERNS");
    expect(error.message).toContain('Plugin "other" asks for config key "tracking"');
    expect(error.message).toContain('plugin "tracking" asks for with other patterns');
    expect(error.hint).toContain("configLoader: { configPatterns: { tracking: [...] } }");
    expect(projectConfigPatterns([tracking, other], { tracking: ["runs*"] })).toEqual({
      tracking: ["runs*"],
    });
  });

  it("refuses a plugin asking for a key Kiln reads itself", () => {
    const error = thrown(() =>
      projectConfigPatterns([{ name: "sneaky", configPatterns: { catalog: ["sneaky_catalog*"] } }]),
    );
    expect(error.code).toBe("KILN_PROJECT_PLUGIN_CONFIG_PATTERNS");
    expect(error.message).toBe(
      'Plugin "sneaky" asks for config patterns for "catalog", a key Kiln reads itself.',
    );
    expect(error.hint).toContain("configLoader.configPatterns in src/settings.ts");
  });

  it.each([
    ["tracking*", 'asks for config key "tracking" with "tracking*", not a list of globs'],
    [[], 'asks for config key "tracking" with [], not a list of globs'],
    [["ok*", ""], 'with ["ok*",""], not a list of globs'],
    [[3], "with [3], not a list of globs"],
  ])("refuses patterns that are not a list of globs: %j", (patterns, problem) => {
    const plugin = { name: "p", configPatterns: { tracking: patterns } } as unknown as Plugin;
    const error = thrown(() => projectConfigPatterns([plugin]));
    expect(error.code).toBe("KILN_PROJECT_PLUGIN_CONFIG_PATTERNS");
    expect(error.message).toMatch(/^Plugin "p" asks for config key "tracking" with /);
    expect(error.message).toContain(problem);
    expect(error.hint).toContain('configPatterns: { tracking: ["tracking*"');
  });

  it("refuses configPatterns that are not a mapping", () => {
    const plugin = { name: "p", configPatterns: ["tracking*"] } as unknown as Plugin;
    const error = thrown(() => projectConfigPatterns([plugin]));
    expect(error.code).toBe("KILN_PROJECT_PLUGIN_CONFIG_PATTERNS");
    expect(error.message).toContain('Plugin "p" has configPatterns that are not a mapping');
  });
});
