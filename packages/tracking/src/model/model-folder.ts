// Reading a model folder's metadata: the MLmodel file (YAML), its signature (JSON text per part, as
// MLflow stores it) and the input example.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import type { ColumnSpec, MLmodelFile, ModelSignature, ParamSpec, SplitFrame } from "./mlmodel-types.js";
import { ModelError } from "./model-error.js";

/** A model folder's metadata, parsed. */
export interface ModelFolder {
  path: string;
  metadata: MLmodelFile;
  signature: ModelSignature | null;
  inputExample: SplitFrame | null;
}

function bad(path: string, what: string, hint: string, cause?: unknown): ModelError {
  return new ModelError("KILN_MODEL_BAD_FOLDER", `The model folder ${path}: ${what}.`, {
    hint,
    ...(cause === undefined ? {} : { cause }),
  });
}

// Python's json.dumps writes NaN and ±Infinity bare; JSON.parse does not read them.
const pythonJsonValue = (text: string): unknown =>
  JSON.parse(text.replace(/(?<=[:,[]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g, '"__kiln_$1__"'), (_k, v) =>
    v === "__kiln_NaN__"
      ? Number.NaN
      : v === "__kiln_Infinity__"
        ? Number.POSITIVE_INFINITY
        : v === "__kiln_-Infinity__"
          ? Number.NEGATIVE_INFINITY
          : v,
  );

function signatureOf(path: string, file: MLmodelFile): ModelSignature | null {
  const s = file.signature;
  if (!s) return null;
  const part = <T>(text: string | null | undefined, name: string): T | null => {
    if (text === null || text === undefined) return null;
    try {
      return pythonJsonValue(text) as T;
    } catch (error) {
      throw bad(
        path,
        `its MLmodel signature.${name} is not JSON`,
        "Package the model again (kiln run).",
        error,
      );
    }
  };
  return {
    inputs: part<ColumnSpec[]>(s.inputs, "inputs"),
    outputs: part<ColumnSpec[]>(s.outputs, "outputs"),
    params: part<ParamSpec[]>(s.params, "params"),
  };
}

/**
 * Reads `MLmodel`, the signature and the input example of a model folder.
 * @throws ModelError `KILN_MODEL_BAD_FOLDER` when the MLmodel file is missing or unreadable, or the
 * model has no `kiln` flavour (an MLflow model of another kind).
 */
export async function readModelFolder(path: string): Promise<ModelFolder> {
  let text: string;
  try {
    text = await readFile(join(path, "MLmodel"), "utf8");
  } catch (error) {
    throw bad(
      path,
      "it has no MLmodel file",
      "Give the folder a training run packaged (MLmodel, code/, artifacts/).",
      error,
    );
  }
  let metadata: MLmodelFile;
  try {
    metadata = parse(text) as MLmodelFile;
  } catch (error) {
    throw bad(
      path,
      `its MLmodel file is not YAML (${(error as Error).message})`,
      "Package the model again (kiln run).",
      error,
    );
  }
  const kiln = metadata?.flavors?.kiln;
  if (!kiln || typeof kiln.code !== "string" || typeof kiln.input_name !== "string") {
    const flavors = Object.keys(metadata?.flavors ?? {});
    throw bad(
      path,
      `its MLmodel has no kiln flavour${flavors.length > 0 ? ` (it has ${flavors.join(", ")})` : ""}`,
      "Kiln serves models that Kiln packaged (a training/inference pair's run); other MLflow models need MLflow.",
    );
  }
  const info = metadata.saved_input_example_info;
  let inputExample: SplitFrame | null = null;
  if (info?.artifact_path) {
    try {
      inputExample = JSON.parse(await readFile(join(path, info.artifact_path), "utf8")) as SplitFrame;
    } catch (error) {
      throw bad(
        path,
        `its input example ${info.artifact_path} is missing or not JSON`,
        "Copy the whole model folder.",
        error,
      );
    }
  }
  return { path, metadata, signature: signatureOf(path, metadata), inputExample };
}
