import { KilnError } from "kiln";

/**
 * A training/inference pair, a packaged model, the model registry or a model URI is wrong or could
 * not be used. Codes are `KILN_MODEL_*`, listed in docs/errors.md.
 */
export class ModelError extends KilnError {}
