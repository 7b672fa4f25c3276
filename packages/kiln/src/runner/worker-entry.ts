/** The worker thread of ParallelRunner: loads the pipeline once, then runs the nodes it is sent. */
import { parentPort, workerData } from "node:worker_threads";
import { RunnerError } from "../errors/index.js";
import { loadPipelineSource, type NodeLike } from "./load-pipeline-source.js";
import { loadThreadCodecs } from "./load-thread-codecs.js";
import { codecStep, type ThreadCodecs } from "./thread-codec.js";
import { NOT_SENDABLE_HINT, transferableBuffers, whyNotCloneable } from "./transfer.js";
import { serializeError, type TaskMessage, type WorkerReply, type WorkerSetup } from "./worker-protocol.js";

const port = parentPort!;
const { source, transfer, codecs: codecModules } = workerData as WorkerSetup;
const send = (reply: WorkerReply, transferList: ArrayBuffer[] = []) => port.postMessage(reply, transferList);

let nodes: Map<string, NodeLike>;
let codecs: ThreadCodecs;
try {
  codecs = await loadThreadCodecs(codecModules, process.cwd());
  nodes = await loadPipelineSource(source);
  send({ type: "ready", nodes: [...nodes.keys()] });
} catch (error) {
  send({ type: "init-error", error: serializeError(error) });
}

async function decodeInputs(task: TaskMessage): Promise<Record<string, unknown>> {
  if (task.encoded.length === 0) return task.inputs;
  const inputs = { ...task.inputs };
  for (const name of task.encoded) {
    inputs[name] = await codecStep(() => codecs.decode(inputs[name]), "Input", name, task.node);
  }
  return inputs;
}

port.on("message", async (task: TaskMessage) => {
  try {
    const node = nodes.get(task.node);
    if (!node) throw new Error(`The worker's pipeline has no node "${task.node}".`);
    const outputs = await node.run(await decodeInputs(task));
    const moved = new Set<ArrayBuffer>();
    const encoded: string[] = [];
    for (const [name, value] of Object.entries(outputs)) {
      const sent = await codecStep(() => codecs.encode(value, moved), "Output", name, task.node);
      if (sent.changed) {
        outputs[name] = sent.value;
        encoded.push(name);
      }
      const why = whyNotCloneable(sent.value);
      if (why) {
        throw new RunnerError(
          "KILN_RUNNER_NOT_THREAD_SAFE",
          `Output "${name}" of node "${task.node}" cannot be sent back to the main thread: ${why}.`,
          { hint: NOT_SENDABLE_HINT },
        );
      }
    }
    // The worker never touches returned data again, so its buffers can move instead of being copied.
    if (transfer) for (const buffer of transferableBuffers(outputs)) moved.add(buffer);
    try {
      send({ id: task.id, ok: true, outputs, encoded }, [...moved]);
    } catch (error) {
      const bad = Object.keys(outputs).find((k) => !canClone(outputs[k]));
      throw new RunnerError(
        "KILN_RUNNER_NOT_THREAD_SAFE",
        `Output ${bad === undefined ? "" : `"${bad}" `}of node "${task.node}" cannot be sent back to the main thread: ${(error as Error).message}.`,
        { hint: NOT_SENDABLE_HINT },
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
