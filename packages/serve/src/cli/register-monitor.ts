import type { Command } from "commander";
import type { DriftFlags } from "../monitor/drift-command.js";
import { PSI_DRIFT } from "../monitor/drift-report.js";

/**
 * Adds `kiln monitor drift`. Its code (statistics, Polars, the project) loads only when it runs.
 */
export function registerMonitorCommands(program: Command): void {
  const monitor =
    program.commands.find((c) => c.name() === "monitor") ??
    program
      .command("monitor")
      .description("watch served models: drift of their inputs against their training data");
  monitor
    .command("drift")
    .description(
      "per-feature drift (PSI, KS) of current data against a model's training data; can start re-training",
    )
    .requiredOption(
      "-m, --model-uri <uri>",
      "the model: a folder, runs:/<run_id>/model, models:/<name>/<version> or models:/<name>@<alias>",
    )
    .requiredOption(
      "--current <source>",
      "the data now: a .csv/.parquet/.json/.jsonl file, a folder of them (what serve --log-inputs writes), s3://…, or a catalog dataset",
    )
    .option(
      "--reference <source>",
      "the data to compare with (default: the training sample kept with the model)",
    )
    .option("--features <names>", "comma-separated columns to compare (default: the model's input signature)")
    .option("--bins <n>", "bins of numeric features (the reference's quantiles)", "10")
    .option("--threshold <psi>", "PSI from which a feature counts as drifted", String(PSI_DRIFT))
    .option(
      "--report <target>",
      "where to save the report: .json, .csv, .parquet or a catalog dataset (default in a project: data/08_reporting/drift/drift-<time>.json)",
    )
    .option("--trigger <pipeline>", "run this pipeline (kiln run --pipeline) when a feature drifted")
    .option(
      "-e, --env <env>",
      "the config environment (tracking.yml for model URIs, the catalog, the triggered run)",
    )
    .action(async (flags: DriftFlags) => {
      const { driftCommand } = await import("../monitor/drift-command.js");
      await driftCommand(flags);
    });
}
