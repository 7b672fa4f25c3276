/** The worker thread of ParallelRunner: loads the pipeline once, then runs the nodes it is sent. */
import { parentPort, workerData } from "node:worker_threads";
import { loadPipelineSource, type NodeLike } from "./load-pipeline-source.js";
import { transferableBuffers, whyNotCloneable } from "./transfer.js";
import {
  type PipelineSource,
  serializeError,
  type TaskMessage,
  type WorkerReply,
} from "./worker-protocol.js";

const port = parentPort!;
const { source, transfer } = workerData as { source: PipelineSource; transfer: boolean };
const send = (reply: WorkerReply, transferList: ArrayBuffer[] = []) => port.postMessage(reply, transferList);

let nodes: Map<string, NodeLike>;
try {
  nodes = await loadPipelineSource(source);
  send({ type: "ready", nodes: [...nodes.keys()] });
} catch (error) {
  send({ type: "init-error", error: serializeError(error) });
}

port.on("message", async (task: TaskMessage) => {
  try {
    const node = nodes.get(task.node);
    if (!node) throw new Error(`The worker's pipeline has no node "${task.node}".`);
    const outputs = await node.run(task.inputs);
    for (const [name, value] of Object.entries(outputs)) {
      const why = whyNotCloneable(value);
      if (why) {
        throw new Error(
          `output "${name}" cannot be sent back to the main thread: ${why}. ` +
            "Return plain data (objects, arrays, typed arrays, Maps, Dates) from nodes run by ParallelRunner, or use SequentialRunner.",
        );
      }
    }
    // The worker never touches returned data again, so its buffers can move instead of being copied.
    const list = transfer ? transferableBuffers(outputs) : [];
    try {
      send({ id: task.id, ok: true, outputs }, list);
    } catch (error) {
      const bad = Object.keys(outputs).find((k) => !canClone(outputs[k]));
      throw new Error(
        `output "${bad ?? "?"}" cannot be sent between threads (${(error as Error).message}). ` +
          "Return plain data (objects, arrays, typed arrays, Maps, Dates) from nodes run by ParallelRunner.",
      );
    }
  } catch (error) {
    send({ id: task.id, ok: false, error: serializeError(error) });
  }
});

function canClone(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}
