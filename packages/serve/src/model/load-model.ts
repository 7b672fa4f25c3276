import { importModelCode, readModelFolder, resolveProjectModel } from "@kiln/tracking";
import { KilnError } from "kiln";
import type { LoadedModel, MLmodelFile, ModelSignature, SplitFrame } from "../model-types.js";
import { checkParams } from "./check-params.js";
import { conformToSignature, isDataFrame } from "./conform-input.js";

/**
 * Runs `fn`, giving errors the model's bundled copy of Kiln threw (its own KilnError class) this
 * process's KilnError class, code, message and hint kept: they render and match as Kiln errors.
 */
async function ours<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown; hint?: unknown };
    if (error instanceof KilnError || typeof e?.code !== "string" || !e.code.startsWith("KILN_")) throw error;
    throw new KilnError(e.code, String(e.message), {
      cause: error,
      ...(typeof e.hint === "string" ? { hint: e.hint } : {}),
    });
  }
}

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /**
   * The project whose tracking store `runs:/` and `models:/` URIs are looked up in (its
   * tracking.yml); relative folder paths are resolved against it. Default: the working directory.
   */
  projectPath?: string;
  /** The config environment whose tracking.yml to read (default: as `kiln run`). */
  env?: string;
  /** Where downloaded models and loaded code are kept (default `KILN_MODEL_CACHE`, else a folder in the OS temp dir). */
  cacheDir?: string;
}

/**
 * Loads a packaged model to predict in-process: from a folder, `runs:/RUN/model`,
 * `models:/NAME/VERSION`, `models:/NAME@ALIAS` or `models:/NAME/latest`. The model's artifacts are
 * loaded once; each `predict` runs its inference pipeline on a DataFrame, after checking the input
 * against the signature (missing columns, types cast where nothing is lost) and the parameters
 * against the declared ones. The folder needs no project source beside it: the model's native
 * packages (nodejs-polars) are the ones installed where @kiln/serve is (docs/models.md).
 * @throws ModelError for a URI that resolves to nothing, a folder that is no Kiln model, or a
 * native package installed nowhere.
 * @example
 * const model = await loadModel("models:/spaceflights@champion");
 * const prices = await model.predict(pl.DataFrame({ engines: [2], ... }));
 */
export async function loadModel(uri: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const resolved = await resolveProjectModel(uri, {
    ...(options.projectPath ? { projectPath: options.projectPath } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
  });
  const folder = await readModelFolder(resolved.path);
  const flavor = folder.metadata.flavors.kiln;
  const code = await importModelCode(resolved.path, flavor.code, {
    resolveFrom: import.meta.url,
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
  });
  const predictor = await ours(() => code.createPredictor({ modelPath: resolved.path }));
  const pl = (await import("nodejs-polars")).default;
  const signature = folder.signature as ModelSignature | null;
  const inputs = signature?.inputs ?? null;
  return {
    uri,
    path: resolved.path,
    metadata: folder.metadata as MLmodelFile,
    signature,
    inputExample: folder.inputExample as SplitFrame | null,
    async predict(input, params) {
      const checked = checkParams(params, signature?.params ?? null);
      const frame = inputs && isDataFrame(input) ? conformToSignature(pl, input, inputs) : input;
      return ours(() => predictor.predict(frame, checked));
    },
    async close() {
      // Nothing is held open: the store was closed after the URI was resolved.
    },
  };
}
