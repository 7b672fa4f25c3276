import { computeScene, type Scene, type SceneInput } from "../render/scene.js";

let worker: Worker | null | undefined;
let nextId = 0;
const waiting = new Map<number, (scene: Scene) => void>();

function layoutWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL("./layout-worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<{ id: number; scene: Scene }>) => {
      waiting.get(event.data.id)?.(event.data.scene);
      waiting.delete(event.data.id);
    };
    worker.onerror = () => {
      // A page opened where workers cannot start (a file:// URL): lay out on this thread.
      worker?.terminate();
      worker = null;
      for (const [id, resolve] of waiting) void Promise.resolve().then(() => resolve(pending.get(id)!));
    };
  } catch {
    worker = null;
  }
  return worker;
}

const inputs = new Map<number, SceneInput>();
const pending = {
  get: (id: number) => computeScene(inputs.get(id)!),
};

/** Starts the worker early, so its script loads while the graph is fetched. */
export function prepareLayout(): void {
  if (typeof Worker !== "undefined") layoutWorker();
}

/** Lays out a view in the worker (or here, without one); the newest call wins, older ones still resolve. */
export function runLayout(input: SceneInput): Promise<Scene> {
  const w = typeof Worker === "undefined" ? null : layoutWorker();
  if (!w) return Promise.resolve(computeScene(input));
  const id = nextId++;
  inputs.set(id, input);
  return new Promise((resolve) => {
    waiting.set(id, (scene) => {
      inputs.delete(id);
      resolve(scene);
    });
    w.postMessage({ id, input });
  });
}
