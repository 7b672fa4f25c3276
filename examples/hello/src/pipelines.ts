import { findPipelines, sumPipelines } from "kiln";

/** The project's pipelines: every src/pipelines/<name>/pipeline.ts, and all of them as __default__. */
export async function registerPipelines() {
  const found = await findPipelines(new URL("..", import.meta.url).pathname);
  return { ...found, __default__: sumPipelines(found) };
}
