import { RunnerError } from "../errors/index.js";
import { importModule } from "../utils/index.js";
import { type ThreadCodec, ThreadCodecs } from "./thread-codec.js";

const HINT =
  "A thread codec module's default export is { name, test(value), encode(value) → { payload, transfer }, decode(payload) }.";

function checkCodec(value: unknown, where: string): ThreadCodec {
  const c = value as Partial<ThreadCodec> | null | undefined;
  const missing = [
    typeof c?.name === "string" && c.name.length > 0 ? undefined : "name (a non-empty string)",
    ...(["test", "encode", "decode"] as const).map((m) =>
      typeof c?.[m] === "function" ? undefined : `${m}()`,
    ),
  ].filter((m) => m !== undefined);
  if (c === null || typeof c !== "object" || missing.length > 0) {
    throw new RunnerError(
      "KILN_RUNNER_THREAD_CODEC",
      `The thread codec module ${where} does not export a codec as its default export${c && typeof c === "object" ? ` (missing: ${missing.join(", ")})` : ""}.`,
      { hint: HINT },
    );
  }
  return c as ThreadCodec;
}

/**
 * Imports thread codec modules (URLs or paths resolved from `fromDir`) and checks what they export.
 * @throws RunnerError `KILN_RUNNER_THREAD_CODEC` when a module cannot be imported, exports no codec,
 *   or two codecs share a name.
 */
export async function loadThreadCodecs(modules: readonly string[], fromDir: string): Promise<ThreadCodecs> {
  const codecs: ThreadCodec[] = [];
  for (const module of modules) {
    let mod: Record<string, unknown>;
    try {
      mod = await importModule(module, fromDir);
    } catch (error) {
      throw new RunnerError(
        "KILN_RUNNER_THREAD_CODEC",
        `Could not import the thread codec module ${module}: ${(error as Error).message}`,
        {
          cause: error,
          hint: 'A plugin\'s `threadCodecs` lists module URLs or paths both threads can import (e.g. new URL("./codec.js", import.meta.url).href); reinstall the plugin that lists it.',
        },
      );
    }
    const codec = checkCodec(mod.default, module);
    const twin = codecs.find((c) => c.name === codec.name);
    if (twin) {
      throw new RunnerError(
        "KILN_RUNNER_THREAD_CODEC",
        `Two thread codecs are named "${codec.name}" (the second from ${module}).`,
        { hint: "Codec names tell the receiving thread which decoder to use: give each codec its own name." },
      );
    }
    codecs.push(codec);
  }
  return new ThreadCodecs(codecs);
}
