import { fileURLToPath } from "node:url";
import { findPipelines, sumPipelines } from "kiln";

/**
 * The project's pipelines: every src/pipelines/<name>/pipeline.ts under its folder name, and all of
 * them together as __default__ (what `kiln run` runs without --pipeline).
 */
export async function registerPipelines() {
  const pipelines = await findPipelines(fileURLToPath(new URL("..", import.meta.url)));
  return { ...pipelines, __default__: sumPipelines(pipelines) };
}
