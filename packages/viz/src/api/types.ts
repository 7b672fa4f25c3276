// The JSON the viz API answers with. The React app reads the same shapes (app/src/api-types.ts
// re-exports this file), and `kiln viz build` writes them as files.
import type { DatasetPreview } from "kiln";

/** What a graph element is: a node's function, a dataset, or parameters (`params:x`, `parameters`). */
export type ElementType = "task" | "data" | "parameters";

/** One element of the graph. */
export interface GraphNode {
  /** `task:<node name>`, `data:<dataset name>` or `param:<params:name>`; stable, used in URLs. */
  id: string;
  /** The full name (namespace included). */
  name: string;
  type: ElementType;
  /** The deepest modular pipeline (namespace) the element sits inside, or null at the top level. */
  namespace: string | null;
  /** A task's tags; datasets and parameters have none. */
  tags: string[];
  /** A dataset's data layer (`metadata.kiln.layer`), or null. */
  layer: string | null;
  /** A dataset's catalog type (`polars.CSVDataset`), `MemoryDataset` when the catalog does not declare it. */
  datasetType?: string;
}

/** An edge: data flows from `source` to `target`. */
export interface GraphEdge {
  source: string;
  target: string;
}

/** A modular pipeline: nodes whose namespace is `id` or starts with `id.`. */
export interface NamespaceInfo {
  id: string;
  /** The last part of the id. */
  name: string;
  parent: string | null;
}

/** `/api/main` and `/api/pipelines/:id`: one registered pipeline as a graph. */
export interface GraphResponse {
  project: string;
  /** The pipeline drawn. */
  pipeline: string;
  /** Every registered pipeline, `__default__` first. */
  pipelines: string[];
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Data layers in the order data flows through them. */
  layers: string[];
  tags: string[];
  namespaces: NamespaceInfo[];
  /** Optional parts of the page, present when their plugin is installed. */
  features: { tracking: boolean };
}

/** Where a node's function is defined. */
export interface FunctionSource {
  /** Project-relative path of the source file. */
  file: string;
  /** 1-based line of the function's first line. */
  line: number;
  code: string;
}

/** A parameter a task reads, with its value. */
export interface ParameterValue {
  name: string;
  value: unknown;
}

interface NodeDetailsBase {
  id: string;
  name: string;
}

/** `/api/nodes/:id` for a task. */
export interface TaskDetails extends NodeDetailsBase {
  type: "task";
  namespace: string | null;
  func: string;
  source: FunctionSource | null;
  inputs: string[];
  outputs: string[];
  tags: string[];
  parameters: ParameterValue[];
  /** The command that runs only this node. */
  runCommand: string;
}

/** `/api/nodes/:id` for a dataset. */
export interface DataDetails extends NodeDetailsBase {
  type: "data";
  datasetType: string;
  /** Project-relative when inside the project. */
  filepath: string | null;
  versioned: boolean;
  /** Saved versions, newest first. */
  versions: string[];
  layer: string | null;
  /** The dataset's `describe()`, without the file path (shown above). */
  description: Record<string, unknown>;
  /** A catalog entry's preview; null for memory datasets, types without `preview()` or when not asked. */
  preview: DatasetPreview | null;
  /** Why there is no preview when the dataset has one (not saved yet, a failed load). */
  previewError: { code: string | null; message: string } | null;
}

/** `/api/nodes/:id` for parameters. */
export interface ParametersDetails extends NodeDetailsBase {
  type: "parameters";
  value: unknown;
}

export type NodeDetails = TaskDetails | DataDetails | ParametersDetails;

/** One node of a recorded run. */
export interface RunNode {
  name: string;
  status: "success" | "failed";
  durationMs: number;
}

/** `/api/runs`: one entry of `.kiln/runs.jsonl`. */
export interface RunSummary {
  runId: string;
  pipeline: string;
  env: string;
  status: "success" | "failed";
  startedAt: string;
  durationMs: number;
  command: string | null;
  nodes: RunNode[];
  error: { code: string | null; message: string } | null;
}

/** `/api/runs`: the newest runs first. */
export interface RunsResponse {
  runs: RunSummary[];
}

/** An API error body (status 4xx/5xx). */
export interface ApiError {
  error: { code: string; message: string; hint?: string };
}

export type * from "./experiment-types.js";
