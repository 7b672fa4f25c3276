import { useEffect, useRef } from "react";
import type { Scene } from "../render/scene.js";
import type { ViewGraph } from "../view-model.js";
import type { Transform } from "./GraphCanvas.js";

const MAX_WIDTH = 180;
const MAX_HEIGHT = 120;

export interface MinimapProps {
  view: ViewGraph;
  scene: Scene;
  viewport: Transform;
  screen: { width: number; height: number };
  /** Centre the view on a point of the graph. */
  onCentre(x: number, y: number): void;
}

/** The whole graph small, with the part on screen framed; a click or drag moves the view there. */
export function Minimap({ view, scene, viewport, screen, onCentre }: MinimapProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const base = useRef<HTMLCanvasElement | null>(null);
  const scale = Math.min(MAX_WIDTH / scene.width, MAX_HEIGHT / scene.height);
  // Shaped like the graph, so a wide pipeline gets a wide, short minimap.
  const WIDTH = Math.max(40, Math.round(scene.width * scale));
  const HEIGHT = Math.max(30, Math.round(scene.height * scale));

  // The boxes are drawn once per scene; each move only redraws the frame over them.
  useEffect(() => {
    if (typeof document === "undefined") return;
    const off = document.createElement("canvas");
    off.width = WIDTH;
    off.height = HEIGHT;
    const context = off.getContext?.("2d");
    if (!context) return;
    const style = getComputedStyle(document.documentElement);
    const colour = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    const fills: Record<string, string> = {
      task: colour("--kv-task-stroke", "#4b5563"),
      data: colour("--kv-data-stroke", "#5b8def"),
      parameters: colour("--kv-param-stroke", "#d08c1d"),
      namespace: colour("--kv-namespace-stroke", "#6b5bd6"),
    };
    view.nodes.forEach((n, i) => {
      context.fillStyle = fills[n.type] ?? "#888";
      context.fillRect(
        scene.boxes[i * 4]! * scale,
        scene.boxes[i * 4 + 1]! * scale,
        Math.max(1, scene.boxes[i * 4 + 2]! * scale),
        Math.max(1, scene.boxes[i * 4 + 3]! * scale),
      );
    });
    base.current = off;
  }, [view, scene, scale, WIDTH, HEIGHT]);

  useEffect(() => {
    const context = canvas.current?.getContext?.("2d");
    if (!context) return;
    context.clearRect(0, 0, WIDTH, HEIGHT);
    if (base.current) context.drawImage(base.current, 0, 0);
    context.strokeStyle =
      getComputedStyle(document.documentElement).getPropertyValue("--kv-accent").trim() || "#2f6fdf";
    context.lineWidth = 1.5;
    context.strokeRect(
      (-viewport.x / viewport.k) * scale,
      (-viewport.y / viewport.k) * scale,
      (screen.width / viewport.k) * scale,
      (screen.height / viewport.k) * scale,
    );
  });

  const move = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    onCentre((event.clientX - rect.left) / scale, (event.clientY - rect.top) / scale);
  };
  return (
    <canvas
      ref={canvas}
      className="kv-minimap"
      width={WIDTH}
      height={HEIGHT}
      aria-label="Minimap"
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture?.(event.pointerId);
        move(event);
      }}
      onPointerMove={(event) => {
        if (event.buttons === 1) move(event);
      }}
    />
  );
}
