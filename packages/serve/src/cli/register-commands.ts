import { type CommandLike, modelsGroup } from "./models-group.js";

const predict = () => import("./predict-command.js");

/** Adds `kiln models predict` (its code loads when it runs). */
export function registerModelPredictCommand(program: CommandLike): void {
  modelsGroup(program)
    .command("predict")
    .description("predict a file of rows with a packaged model (MLflow's mlflow models predict)")
    .requiredOption(
      "-m, --model-uri <uri>",
      "runs:/RUN/model, models:/NAME/VERSION, models:/NAME@ALIAS, models:/NAME/latest, or a model folder",
    )
    .requiredOption(
      "-i, --input-path <file>",
      "the rows: .csv, .parquet, or .json (records, split, or MLflow's request shapes)",
    )
    .option(
      "-o, --output-path <file>",
      'where to write the predictions: .json ({"predictions": …}) or .csv (default: print JSON)',
    )
    .option("--params <json>", "parameters for this prediction, as JSON (e.g. '{\"threshold\": 0.5}')")
    .option("-e, --env <env>", "the config environment whose tracking.yml finds runs:/ and models:/ URIs")
    .action(
      async (flags: {
        modelUri: string;
        inputPath: string;
        outputPath?: string;
        params?: string;
        env?: string;
      }) => (await predict()).predictCommand(flags),
    );
}
