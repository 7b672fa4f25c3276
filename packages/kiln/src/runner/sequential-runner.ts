import type { Node, Pipeline } from "../pipeline/index.js";
import { BaseRunner } from "./base-runner.js";

/**
 * Runs one node at a time, in the pipeline's topological order.
 * @example
 * const outputs = await new SequentialRunner().run(pipe, catalog);
 */
export class SequentialRunner extends BaseRunner {
  readonly name = "SequentialRunner";
  protected readonly isAsync = false;

  protected async runNodes(
    pipeline: Pipeline,
    runNode: (node: Node) => Promise<void>,
    done: Set<Node>,
  ): Promise<void> {
    for (const n of pipeline.nodes) {
      await runNode(n);
      done.add(n);
    }
  }
}
