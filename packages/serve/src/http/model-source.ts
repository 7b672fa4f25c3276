import { pathToFileURL } from "node:url";
import type { LoadedModel } from "../model-types.js";

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
