import { pathToFileURL } from "node:url";
import type { Logger } from "kiln";
import type { LoadedModel } from "../model-types.js";
import type { InputLogOptions } from "../monitor/input-log.js";

/**
 * Where a serving process gets its model, in a form that can be handed to worker processes:
 * a model URI for `loadModel`, or a module whose export makes a LoadedModel (tests, benchmarks,
 * models built in code).
 */
export type ModelSource =
  | { uri: string; env?: string }
  | { module: string; exportName?: string; args?: unknown[] };

/** Loads the model a source names. `loadModel` is imported only here, when a URI is served. */
export async function loadFromSource(source: ModelSource): Promise<LoadedModel> {
  if ("uri" in source) {
    const { loadModel } = await import("../model/load-model.js");
    return loadModel(source.uri, source.env === undefined ? {} : { env: source.env });
  }
  const module = (await import(pathToFileURL(source.module).href)) as Record<string, unknown>;
  const make = module[source.exportName ?? "default"];
  if (typeof make !== "function") {
    throw new TypeError(
      `${source.module} has no function export "${source.exportName ?? "default"}" that makes a model.`,
    );
  }
  return (await make(...(source.args ?? []))) as LoadedModel;
}

/**
 * Loads the model a server answers with: `loadFromSource`'s, whose predictions also record their
 * input rows when `inputLog` is given (`kiln models serve --log-inputs`).
 */
export async function loadForServing(
  source: ModelSource,
  inputLog: InputLogOptions | undefined,
  logger: Logger,
): Promise<LoadedModel> {
  const model = await loadFromSource(source);
  if (!inputLog) return model;
  const { InputLog, withInputLog } = await import("../monitor/input-log.js");
  const log = await InputLog.open(inputLog, logger);
  logger.info(
    `Logging ${inputLog.sampleRate === undefined || inputLog.sampleRate >= 1 ? "every predicted row" : `the rows of ${inputLog.sampleRate * 100}% of predictions`} to ${log.destination} (Parquet parts; kiln monitor drift --current ${log.destination}).`,
  );
  return withInputLog(model, log);
}
