import { ModelError } from "@kiln/tracking";
import { readBatch, writePredictions } from "../model/batch-files.js";
import { loadModel } from "../model/load-model.js";

/** `kiln models predict`: loads the model, reads the rows, predicts, writes or prints the predictions. */
export async function predictCommand(flags: {
  modelUri: string;
  inputPath: string;
  outputPath?: string;
  params?: string;
  env?: string;
}): Promise<void> {
  let params: Record<string, unknown> | undefined;
  if (flags.params !== undefined) {
    try {
      params = JSON.parse(flags.params) as Record<string, unknown>;
    } catch (error) {
      throw new ModelError("KILN_MODEL_BAD_PARAMS", `--params is not JSON: ${(error as Error).message}`, {
        hint: `e.g. --params '{"threshold": 0.5}'`,
      });
    }
  }
  const pl = (await import("nodejs-polars")).default;
  const model = await loadModel(flags.modelUri, flags.env ? { env: flags.env } : {});
  try {
    const batch = await readBatch(pl, flags.inputPath);
    const predictions = await model.predict(batch.frame, { ...batch.params, ...params });
    const text = await writePredictions(pl, predictions, flags.outputPath);
    if (text !== undefined) process.stdout.write(text);
    else process.stderr.write(`Wrote ${batch.frame.height} predictions to ${flags.outputPath}.\n`);
  } finally {
    await model.close();
  }
}
