// PLACEHOLDER for wiring only (serving branch). The `models` helper writes the real `loadModel`
// in this folder; at merge, the integrator replaces this file with theirs and removes
// KILN_SERVE_LOADER_MISSING from docs/errors.md.
import { ServeError } from "../errors.js";
import type { LoadedModel } from "../model-types.js";

/** Options of {@link loadModel} (the real loader defines its own). */
export interface LoadModelOptions {
  /** The config environment whose tracking.yml finds `runs:/` and `models:/` URIs. */
  env?: string;
}

/**
 * Loads a packaged model from a path, `runs:/…` or `models:/…` URI. Not available in this build.
 * @throws ServeError `KILN_SERVE_LOADER_MISSING`, always.
 */
export async function loadModel(uri: string, _options: LoadModelOptions = {}): Promise<LoadedModel> {
  throw new ServeError(
    "KILN_SERVE_LOADER_MISSING",
    `Cannot load ${uri}: model loading is not available in this build.`,
    {
      hint: "Serve a model with a Kiln that includes @kiln/serve's model loader.",
    },
  );
}
