import { HookError, KilnError } from "../errors/index.js";
import { didYouMean } from "../utils/index.js";
import { HOOK_NAMES, type HookContext, type HookName, type Hooks, type Plugin } from "./hooks.js";

interface Registered {
  plugin: string;
  fn: (ctx: unknown) => unknown;
  self: Hooks;
}

/**
 * Calls plugins' hooks in registration order. A throwing hook is reported with its plugin's name; the
 * error is raised to the caller (a failing hook fails the run, as in Kedro).
 */
export class HookManager {
  readonly #byHook = new Map<HookName, Registered[]>();
  readonly #plugins: Plugin[] = [];

  constructor(plugins: Iterable<Plugin> = []) {
    for (const p of plugins) this.register(p);
  }

  /** Adds a plugin; unknown hook names are an error (a typo would otherwise be silently ignored). */
  register(plugin: Plugin): this {
    if (!plugin || typeof plugin.name !== "string" || plugin.name.length === 0) {
      throw new HookError("KILN_HOOK_INVALID_PLUGIN", "A plugin must be an object with a non-empty `name`.", {
        hint: 'e.g. { name: "timing", hooks: { beforeNodeRun: ({ node }) => … } }',
      });
    }
    if (this.#plugins.some((p) => p.name === plugin.name)) {
      throw new HookError(
        "KILN_HOOK_DUPLICATE_PLUGIN",
        `A plugin named "${plugin.name}" is already registered.`,
        {
          hint: "Register each plugin once, or give the second one another name.",
        },
      );
    }
    const codecs: unknown = plugin.threadCodecs;
    if (codecs !== undefined && !(Array.isArray(codecs) && codecs.every((m) => typeof m === "string" && m))) {
      throw new HookError(
        "KILN_HOOK_INVALID_PLUGIN",
        `Plugin "${plugin.name}": \`threadCodecs\` must be a list of module URLs or paths.`,
        { hint: 'e.g. threadCodecs: [new URL("./thread-codec.js", import.meta.url).href]' },
      );
    }
    const hooks = plugin.hooks ?? {};
    for (const [name, fn] of Object.entries(hooks)) {
      if (!(HOOK_NAMES as string[]).includes(name)) {
        throw new HookError(
          "KILN_HOOK_UNKNOWN",
          `Plugin "${plugin.name}" defines an unknown hook "${name}".`,
          {
            hint: didYouMean(name, HOOK_NAMES) ?? `Known hooks: ${HOOK_NAMES.join(", ")}.`,
          },
        );
      }
      if (typeof fn !== "function") {
        throw new HookError(
          "KILN_HOOK_NOT_A_FUNCTION",
          `Plugin "${plugin.name}": hook "${name}" must be a function.`,
        );
      }
      const list = this.#byHook.get(name as HookName) ?? [];
      list.push({ plugin: plugin.name, fn: fn as (ctx: unknown) => unknown, self: hooks });
      this.#byHook.set(name as HookName, list);
    }
    this.#plugins.push(plugin);
    return this;
  }

  get plugins(): readonly Plugin[] {
    return this.#plugins;
  }

  /** True when some plugin implements `hook` (lets runners skip building contexts nobody reads). */
  has(hook: HookName): boolean {
    return this.#byHook.has(hook);
  }

  /** Calls every implementation of `hook`, one after another, and returns their results. */
  async call<K extends HookName>(hook: K, ctx: HookContext<K>): Promise<unknown[]> {
    const list = this.#byHook.get(hook);
    if (list === undefined) return [];
    const results: unknown[] = [];
    for (const r of list) {
      try {
        results.push(await r.fn.call(r.self, ctx));
      } catch (error) {
        throw hookFailure(hook, r.plugin, error);
      }
    }
    return results;
  }

  /**
   * Calls `beforeNodeRun` hooks; each may return replacement inputs, which later hooks see and the
   * node receives. Returns the inputs to run the node with.
   */
  async beforeNodeRun(ctx: HookContext<"beforeNodeRun">): Promise<Readonly<Record<string, unknown>>> {
    const list = this.#byHook.get("beforeNodeRun");
    if (list === undefined) return ctx.inputs;
    let inputs = ctx.inputs;
    for (const r of list) {
      let replaced: unknown;
      try {
        replaced = await r.fn.call(r.self, { ...ctx, inputs });
      } catch (error) {
        throw hookFailure("beforeNodeRun", r.plugin, error);
      }
      if (replaced === undefined || replaced === null) continue;
      if (typeof replaced !== "object" || Array.isArray(replaced)) {
        throw new HookError(
          "KILN_HOOK_BAD_RESULT",
          `Plugin "${r.plugin}": beforeNodeRun for node "${ctx.node.name}" returned ${Array.isArray(replaced) ? "an array" : typeof replaced}.`,
          { hint: "Return nothing, or an object of replacement inputs by dataset name." },
        );
      }
      const unknown = Object.keys(replaced).filter((k) => !ctx.node.inputs.includes(k));
      if (unknown.length > 0) {
        throw new HookError(
          "KILN_HOOK_BAD_RESULT",
          `Plugin "${r.plugin}": beforeNodeRun returned replacements for ${JSON.stringify(unknown)}, which are not inputs of node "${ctx.node.name}".`,
          { hint: `The node's inputs are ${JSON.stringify(ctx.node.inputs)}.` },
        );
      }
      inputs = { ...inputs, ...(replaced as Record<string, unknown>) };
    }
    return inputs;
  }
}

/**
 * Names the hook and plugin of a failure. A Kiln error keeps its own code (a bad config file read
 * by a plugin is still a config error tools can match on); anything else is KILN_HOOK_FAILED.
 */
function hookFailure(hook: HookName, plugin: string, error: unknown): HookError {
  const reason = error instanceof Error ? error.message : String(error);
  const code = error instanceof KilnError ? error.code : "KILN_HOOK_FAILED";
  return new HookError(code, `Hook ${hook} of plugin "${plugin}" failed: ${reason}`, {
    cause: error,
    hint: error instanceof KilnError ? error.hint : `Fix or remove plugin "${plugin}".`,
  });
}
