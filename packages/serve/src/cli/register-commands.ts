import type { Command } from "commander";
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

/** The flags of `kiln models serve`, as commander hands them over. */
export interface ServeFlags {
  modelUri: string;
  host: string;
  port: string;
  workers: string;
  bodyLimit: string;
  timeout: string;
  env?: string;
  logInputs?: string;
  logSampleRate: string;
  batchMaxRows?: string;
  batchWaitMs?: string;
}

/**
 * Adds `kiln models serve`. Its code (the server, the model loader) loads only when it runs, so
 * `kiln --help` and other commands pay nothing for it.
 */
export function registerServeCommands(program: Command): void {
  (modelsGroup(program as unknown as CommandLike) as unknown as Command)
    .command("serve")
    .description(
      "serve a model over HTTP with MLflow's scoring protocol (/invocations, /ping, /health, /version)",
    )
    .requiredOption(
      "-m, --model-uri <uri>",
      "the model: a folder, runs:/<run_id>/model, models:/<name>/<version> or models:/<name>@<alias>",
    )
    .option("--host <host>", "the address to listen on (0.0.0.0 for every interface)", "127.0.0.1")
    .option("-p, --port <port>", "the port to listen on (0 picks a free one)", "8080")
    .option("-w, --workers <n>", "processes that serve, each with its own copy of the model", "1")
    .option("--body-limit <size>", "largest request body, e.g. 20mb or 512kb (larger: 413)", "20mb")
    .option(
      "-t, --timeout <duration>",
      "limit per request, receiving and predicting: 60 (seconds), 30s, 500ms",
      "60",
    )
    .option("-e, --env <env>", "the config environment whose tracking.yml resolves runs:/ and models:/ URIs")
    .option(
      "--log-inputs <folder>",
      "record predicted rows as Parquet parts in this folder (local or s3://), for kiln monitor drift",
    )
    .option("--log-sample-rate <rate>", "share of predictions whose rows --log-inputs records (0 to 1)", "1")
    .option(
      "--batch-max-rows <n>",
      "batch requests waiting together (same params and columns) into one prediction of up to n rows (default: off)",
    )
    .option(
      "--batch-wait-ms <ms>",
      "with --batch-max-rows: how long a request waits for others when no prediction runs (default 0)",
    )
    .action(async (flags: ServeFlags, command: { optsWithGlobals(): Record<string, unknown> }) => {
      const { serveCommand } = await import("./serve-command.js");
      await serveCommand(flags, command.optsWithGlobals());
    });
}
