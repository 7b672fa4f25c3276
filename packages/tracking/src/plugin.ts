import type { Plugin } from "kiln";
import { registerModelCommands, registerTrackingCommands } from "./cli/register-commands.js";
import { ArtifactDataset } from "./datasets/artifact-dataset.js";
import { MetricDataset } from "./datasets/metric-dataset.js";
import { MetricsDataset } from "./datasets/metrics-dataset.js";
import { createTrackingHooks } from "./tracking-hooks.js";

/**
 * The dataset types this package brings, by catalog `type:` name, with kedro-mlflow's names for
 * them (its MlflowMetricHistoryDataset is a MetricsDataset of one metric: `{ name: [values] }`).
 */
export const datasetTypes = {
  "tracking.MetricDataset": MetricDataset,
  "tracking.MetricsDataset": MetricsDataset,
  "tracking.ArtifactDataset": ArtifactDataset,
  "kedro_mlflow.io.metrics.MlflowMetricDataset": MetricDataset,
  "kedro_mlflow.io.metrics.MlflowMetricsHistoryDataset": MetricsDataset,
  "kedro_mlflow.io.artifacts.MlflowArtifactDataset": ArtifactDataset,
} as const;

/**
 * `@kiln/tracking` as a Kiln plugin: found in a project's dependencies, it tracks every `kiln run`
 * (hooks), brings the `tracking.*` datasets, reads `conf/<env>/tracking.yml` and adds
 * `kiln tracking init | runs | show | compare`; packages training/inference pairs after their runs
 * and adds `kiln models list | show | alias`.
 */
const plugin: Plugin = {
  name: "@kiln/tracking",
  hooks: createTrackingHooks(),
  datasets: datasetTypes,
  configPatterns: { tracking: ["tracking*", "tracking*/**", "**/tracking*"] },
  commands: [registerTrackingCommands, registerModelCommands],
};
export default plugin;
