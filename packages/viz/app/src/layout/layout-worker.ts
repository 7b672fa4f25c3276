// The layout, off the main thread: the page stays responsive while thousands of nodes are placed.
import { computeScene, type SceneInput } from "../render/scene.js";

self.onmessage = (event: MessageEvent<{ id: number; input: SceneInput }>) => {
  const scene = computeScene(event.data.input);
  (self as unknown as Worker).postMessage({ id: event.data.id, scene }, [
    scene.boxes.buffer,
    scene.edgeBoxes.buffer,
  ]);
};
