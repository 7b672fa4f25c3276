/**
 * The contract between a packaged model and what loads it. The file's shapes (the parsed `MLmodel`,
 * the signature in MLflow's terms, the input example) are @kiln/tracking's, which writes them;
 * `LoadedModel` is what this package makes of a model folder. docs/models.md describes the folder.
 */
import type { MLmodelFile, ModelSignature, SplitFrame } from "@kiln/tracking";

export type {
  ColumnSpec,
  KilnFlavor,
  MLmodelFile,
  ModelSignature,
  ParamSpec,
  SignatureType,
  SplitFrame,
} from "@kiln/tracking";

/**
 * A model ready to predict. `input` is a nodejs-polars DataFrame; the result is the inference
 * pipeline's output as the pipeline returned it (a DataFrame, a Series, an array or a scalar).
 */
export interface LoadedModel {
  /** The URI or path it was loaded from. */
  readonly uri: string;
  /** The local model folder. */
  readonly path: string;
  readonly metadata: MLmodelFile;
  readonly signature: ModelSignature | null;
  readonly inputExample: SplitFrame | null;
  predict(input: unknown, params?: Record<string, unknown>): Promise<unknown>;
  /** Releases what loading took (open stores, worker threads); safe to call twice. */
  close(): Promise<void>;
}
