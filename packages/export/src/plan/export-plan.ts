import { type DeclaredSchema, findParameterSchemas, KilnSession, type Pipeline } from "kiln";
import { checkCrossings } from "./check-crossings.js";
import { type DatasetInfo, describeDatasets } from "./datasets.js";
import { type Crossing, type GroupBy, planUnits, type Unit } from "./units.js";

/** What every export is asked. */
export interface ExportOptions {
  /** A folder inside the project (default: the working directory). */
  projectPath?: string;
  /** The registered pipeline (default `__default__`). */
  pipeline?: string;
  /** The config environment the export reads, and the runs use (default: as `kiln run`). */
  env?: string;
  /** One unit per node (default) or per top-level namespace. */
  groupBy?: GroupBy;
}

/** A pipeline read for export: its units, the datasets they share, its parameters and their schemas. */
export interface ExportPlan {
  projectName: string;
  projectRoot: string;
  pipelineName: string;
  pipeline: Pipeline;
  groupBy: GroupBy;
  units: Unit[];
  crossings: Crossing[];
  /** Every dataset the pipeline names (parameters aside). */
  datasets: Map<string, DatasetInfo>;
  /** The parameters as a run of `env` would see them. */
  parameters: Record<string, unknown>;
  /** Schemas declared by pipelines that share nodes with this one. */
  schemas: DeclaredSchema[];
}

/**
 * Opens the project, selects the pipeline, cuts it into units and checks that what passes between
 * them can cross machines. Loads no data.
 * @throws ProjectError `KILN_PROJECT_UNKNOWN_PIPELINE` (with a did-you-mean), ConfigError
 *   `KILN_CONFIG_INVALID_PARAMETERS` (checked as `kiln run` checks them), ExportError
 *   `KILN_EXPORT_MEMORY_DATASET`, `KILN_EXPORT_GROUP_CYCLE`, `KILN_EXPORT_EMPTY_PIPELINE`.
 */
export async function planExport(options: ExportOptions = {}): Promise<ExportPlan> {
  const session = await KilnSession.create({
    ...(options.projectPath ? { projectPath: options.projectPath } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  try {
    const pipelineName = options.pipeline ?? "__default__";
    const groupBy = options.groupBy ?? "none";
    const pipe = await session.selectPipeline({ pipeline: pipelineName });
    const { units, crossings } = planUnits(pipe, groupBy, pipelineName);
    const context = await session.loadContext();
    // Every task would fail on a wrong parameter: say so now, with file and line, as kiln run would.
    await session.validateParameters(pipe, context.parameters);
    const catalog = await context.createCatalog();
    const conf = (await context.configLoader.load("catalog")).value;
    const datasets = describeDatasets(pipe.datasets(), catalog, conf);
    checkCrossings(crossings, datasets, groupBy);
    const registry = await session.pipelines();
    const schemas = (await findParameterSchemas(session.project)).filter((s) =>
      registry[s.pipeline]?.nodes.some((n) => pipe.node(n.name) !== undefined),
    );
    return {
      projectName: session.project.name,
      projectRoot: session.project.root,
      pipelineName,
      pipeline: pipe,
      groupBy,
      units,
      crossings,
      datasets,
      parameters: context.parameters.value,
      schemas,
    };
  } finally {
    await session.close();
  }
}
