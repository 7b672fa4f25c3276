/**
 * The model folder's metadata as packaging writes it: MLflow's `MLmodel` file with a `kiln` flavour,
 * the signature and the input example. @kiln/serve reads the same shapes (its `model-types.ts`; a
 * type test keeps the two the same). docs/models.md describes the folder.
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
  /** Absent for an unnamed output (a plain list of predictions). */
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
  /** null for a scalar; `[-1]` for a one-dimensional list. */
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
  input_name: string;
  output_name: string;
  /** `process.version` of the training run. */
  node_version: string;
  /** Parquet file of input rows training saw, the reference for drift monitoring (absent when none was kept). */
  reference_data?: string;
  /** Its rows, and the rows of the input it was sampled from. */
  reference_rows?: number;
  reference_source_rows?: number;
}

/** A parsed `MLmodel` file. */
export interface MLmodelFile {
  artifact_path: string;
  flavors: { kiln: KilnFlavor } & Record<string, unknown>;
  model_uuid: string;
  run_id: string;
  /** `YYYY-MM-DD hh:mm:ss.ffffff`, UTC, as MLflow writes it. */
  utc_time_created: string;
  /** Each part a JSON string, as MLflow stores them. */
  signature?: { inputs: string | null; outputs: string | null; params?: string | null };
  saved_input_example_info?: { artifact_path: string; type: "dataframe"; pandas_orient: "split" };
}

/** Rows in MLflow's `split` orientation (`input_example.json`). */
export interface SplitFrame {
  columns: string[];
  data: unknown[][];
}
