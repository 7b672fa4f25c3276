/**
 * The contract between a packaged model (written by @kiln/tracking after a training run) and what
 * loads it (this package): the parsed `MLmodel` file, the signature in MLflow's terms, and the
 * loaded model's `predict`. docs/models.md describes the folder these come from.
 */

/** MLflow's column and parameter types (a signature's `type`). */
export type SignatureType =
  | "boolean"
  | "integer"
  | "long"
  | "float"
  | "double"
  | "string"
  | "binary"
  | "datetime";

/** One input or output column of a signature (MLflow's ColSpec). */
export interface ColumnSpec {
  /** The column's name; absent for an unnamed output (a plain list of predictions). */
  name?: string;
  type: SignatureType;
  /** False when the column may be left out of a request; MLflow's default is true. */
  required?: boolean;
}

/** One inference parameter a request may override (MLflow's ParamSpec). */
export interface ParamSpec {
  name: string;
  type: SignatureType;
  /** The value used when a request does not give one (the value at training time). */
  default: unknown;
  /** null for a scalar; MLflow's `[-1]` for a one-dimensional list. */
  shape: number[] | null;
}

/** What the model takes and returns, inferred from the data at training time. */
export interface ModelSignature {
  inputs: ColumnSpec[] | null;
  outputs: ColumnSpec[] | null;
  params: ParamSpec[] | null;
}

/** The `kiln` flavour of an MLmodel file: how to run the packaged inference pipeline. */
export interface KilnFlavor {
  kiln_version: string;
  /** The standalone ES module of the inference pipeline, relative to the model folder. */
  code: string;
  /** The inference pipeline's input dataset: what `predict` receives. */
  input_name: string;
  /** The inference pipeline's single output: what `predict` returns. */
  output_name: string;
  /** The Node.js version that trained the model (`process.version`). */
  node_version: string;
}

/** A parsed `MLmodel` file (MLflow's model metadata, YAML). */
export interface MLmodelFile {
  artifact_path: string;
  flavors: { kiln: KilnFlavor } & Record<string, unknown>;
  model_uuid: string;
  run_id: string;
  /** `YYYY-MM-DD hh:mm:ss.ffffff`, UTC, as MLflow writes it. */
  utc_time_created: string;
  /** MLflow stores each part as a JSON string; the loader parses them into a ModelSignature. */
  signature?: { inputs: string | null; outputs: string | null; params?: string | null };
  saved_input_example_info?: { artifact_path: string; type: "dataframe"; pandas_orient: "split" };
}

/** A row-oriented input example in MLflow's `split` orientation (`input_example.json`). */
export interface SplitFrame {
  columns: string[];
  data: unknown[][];
}

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
