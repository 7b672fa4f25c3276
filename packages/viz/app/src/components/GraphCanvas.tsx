// The drawing: SVG with pan (drag), zoom (wheel, buttons), fit, a minimap, and clicks found by hit
// testing (no listener per box). Large graphs stay fast in two ways: only boxes near the viewport
// are drawn one by one, with labels, and when zoomed far out every box of a kind is one <path> and
// every edge shares one <path>.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { fitLabel } from "../layout/node-size.js";
import { traceEdge } from "../render/edge-path.js";
import { edgePathOf, type Scene } from "../render/scene.js";
import { cornerRadius } from "../render/svg-export.js";
import type { ViewGraph } from "../view-model.js";
import { Minimap } from "./Minimap.js";

export interface Transform {
  x: number;
  y: number;
  k: number;
}

export interface GraphCanvasProps {
  view: ViewGraph;
  scene: Scene;
  selected: string | null;
  /** Search matches and slice members, by view id. */
  highlighted: ReadonlySet<string>;
  /** Dim what is not highlighted (a slice is shown). */
  dimOthers: boolean;
  showStatus: boolean;
  /** Changes when the view should be centred on this view id. */
  focus: { id: string; nonce: number } | null;
  onNodeClick(id: string, shift: boolean): void;
  onOutlineClick(namespace: string): void;
  onBackgroundClick(): void;
}

/** How far bands reach across the flow: past any screen. */
const FAR = 1e6;

/** Zoom below which boxes are drawn as shapes only, without labels. */
const DETAIL_ZOOM = 0.38;
/** Graphs this small are drawn box by box at any zoom. */
const SMALL_GRAPH = 400;
/** Most boxes drawn one by one; beyond this the overview drawing is used. */
const DETAIL_LIMIT = 800;

interface DrawWindow {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  detail: boolean;
}

export function fitTransform(scene: Scene, width: number, height: number): Transform {
  const k = Math.min(1.25, (width - 24) / scene.width, (height - 24) / scene.height);
  const safe = Number.isFinite(k) && k > 0 ? k : 1;
  return { k: safe, x: (width - scene.width * safe) / 2, y: (height - scene.height * safe) / 2 };
}

export function GraphCanvas(props: GraphCanvasProps) {
  const { view, scene, selected, highlighted, dimOthers, showStatus } = props;
  const svgRef = useRef<SVGSVGElement>(null);
  const worldRef = useRef<SVGGElement>(null);
  const transform = useRef<Transform>({ x: 0, y: 0, k: 1 });
  const size = useRef({ width: 800, height: 600 });
  const [drawWindow, setDrawWindow] = useState<DrawWindow>({ x0: 0, y0: 0, x1: 0, y1: 0, detail: false });
  const [viewport, setViewport] = useState<Transform>({ x: 0, y: 0, k: 1 });
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const paintRef = useRef<(() => void) | null>(null);

  const count = view.nodes.length;
  // A small graph is always drawn box by box; a large one only when zoomed in enough to read.
  const detailAt = useCallback((k: number) => count <= SMALL_GRAPH || k >= DETAIL_ZOOM, [count]);
  /** Which boxes and edges fall in a rectangle of the graph. */
  const inWindow = useCallback(
    (w: Omit<DrawWindow, "detail">) => {
      const nodes: number[] = [];
      const b = scene.boxes;
      for (let i = 0; i < count; i++) {
        if (
          b[i * 4]! + b[i * 4 + 2]! < w.x0 ||
          b[i * 4]! > w.x1 ||
          b[i * 4 + 1]! + b[i * 4 + 3]! < w.y0 ||
          b[i * 4 + 1]! > w.y1
        )
          continue;
        nodes.push(i);
      }
      const edges: number[] = [];
      const e = scene.edgeBoxes;
      for (let i = 0; i < view.edges.length; i++) {
        if (e[i * 4 + 2]! < w.x0 || e[i * 4]! > w.x1 || e[i * 4 + 3]! < w.y0 || e[i * 4 + 1]! > w.y1)
          continue;
        edges.push(i);
      }
      return { nodes, edges };
    },
    [scene, count, view.edges.length],
  );

  /** The window to draw for the current transform: the viewport plus a screen on each side. */
  const windowFor = useCallback(
    (t: Transform): DrawWindow => {
      const { width, height } = size.current;
      const x0 = -t.x / t.k - width / t.k;
      const y0 = -t.y / t.k - height / t.k;
      return { x0, y0, x1: x0 + (3 * width) / t.k, y1: y0 + (3 * height) / t.k, detail: detailAt(t.k) };
    },
    [detailAt],
  );

  const frame = useRef(0);
  const apply = useCallback(
    (t: Transform) => {
      transform.current = t;
      worldRef.current?.setAttribute("transform", `translate(${t.x},${t.y}) scale(${t.k})`);
      cancelAnimationFrame(frame.current);
      frame.current = requestAnimationFrame(() => {
        paintRef.current?.();
        setViewport(t);
        setDrawWindow((current) => {
          const { width, height } = size.current;
          const vx0 = -t.x / t.k;
          const vy0 = -t.y / t.k;
          const inside =
            vx0 >= current.x0 &&
            vy0 >= current.y0 &&
            vx0 + width / t.k <= current.x1 &&
            vy0 + height / t.k <= current.y1;
          const detail = detailAt(t.k);
          return inside && detail === current.detail ? current : windowFor(t);
        });
      });
    },
    [windowFor, detailAt],
  );

  const fit = useCallback(() => {
    const svg = svgRef.current;
    if (svg) size.current = { width: svg.clientWidth || 800, height: svg.clientHeight || 600 };
    const t = fitTransform(scene, size.current.width, size.current.height);
    transform.current = t;
    worldRef.current?.setAttribute("transform", `translate(${t.x},${t.y}) scale(${t.k})`);
    setViewport(t);
    setDrawWindow(windowFor(t));
  }, [scene, windowFor]);

  // A new drawing is fitted to the screen before it is painted.
  useLayoutEffect(() => fit(), [fit]);

  useEffect(() => {
    if (!props.focus) return;
    const i = view.index.get(props.focus.id);
    if (i === undefined) return;
    const b = scene.boxes;
    const k = Math.max(transform.current.k, 0.8);
    const { width, height } = size.current;
    apply({
      k,
      x: width / 2 - (b[i * 4]! + b[i * 4 + 2]! / 2) * k,
      y: height / 2 - (b[i * 4 + 1]! + b[i * 4 + 3]! / 2) * k,
    });
  }, [props.focus, view, scene, apply]);

  const zoomBy = useCallback(
    (factor: number, cx = size.current.width / 2, cy = size.current.height / 2) => {
      const t = transform.current;
      const k = Math.min(4, Math.max(0.01, t.k * factor));
      apply({ k, x: cx - ((cx - t.x) * k) / t.k, y: cy - ((cy - t.y) * k) / t.k });
    },
    [apply],
  );

  // The drawing area changes size with the window and the details panel: keep culling and the
  // overview canvas in step (the view itself stays where it is).
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      size.current = { width: svg.clientWidth || 800, height: svg.clientHeight || 600 };
      apply(transform.current);
    });
    observer.observe(svg);
    return () => observer.disconnect();
  }, [apply]);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = svg.getBoundingClientRect();
      zoomBy(Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
    };
    svg.addEventListener("wheel", onWheel, { passive: false });
    return () => svg.removeEventListener("wheel", onWheel);
  }, [zoomBy]);

  const drag = useRef<{ x: number; y: number; t: Transform; moved: boolean } | null>(null);
  const hitTest = (clientX: number, clientY: number, shift: boolean) => {
    const rect = svgRef.current!.getBoundingClientRect();
    const t = transform.current;
    const gx = (clientX - rect.left - t.x) / t.k;
    const gy = (clientY - rect.top - t.y) / t.k;
    const b = scene.boxes;
    for (let i = count - 1; i >= 0; i--) {
      const x = b[i * 4]!;
      const y = b[i * 4 + 1]!;
      if (gx >= x && gx <= x + b[i * 4 + 2]! && gy >= y && gy <= y + b[i * 4 + 3]!) {
        props.onNodeClick(view.nodes[i]!.id, shift);
        return;
      }
    }
    for (const o of [...scene.outlines].reverse()) {
      if (gx >= o.x && gx <= o.x + o.w && gy >= o.y && gy <= o.y + 18) {
        props.onOutlineClick(o.namespace);
        return;
      }
    }
    props.onBackgroundClick();
  };

  const shown = useMemo(() => (drawWindow.detail ? inWindow(drawWindow) : null), [drawWindow, inWindow]);
  const overview = shown === null || shown.nodes.length > DETAIL_LIMIT;
  const lr = scene.direction === "LR";
  // The overview drawing: every box of a kind and every edge as one path each, painted on a canvas
  // under the SVG (a browser rasterises one huge canvas path far faster than one huge SVG path).
  const overviewPaths = useMemo(() => {
    if (!overview || typeof Path2D === "undefined") return null;
    const b = scene.boxes;
    const byType = new Map<string, Path2D>();
    const byStatus = new Map<string, Path2D>();
    view.nodes.forEach((n, i) => {
      const rect = [b[i * 4]!, b[i * 4 + 1]!, b[i * 4 + 2]!, b[i * 4 + 3]!] as const;
      (byType.get(n.type) ?? byType.set(n.type, new Path2D()).get(n.type)!).rect(...rect);
      if (n.status)
        (byStatus.get(n.status) ?? byStatus.set(n.status, new Path2D()).get(n.status)!).rect(...rect);
    });
    const edges = new Path2D();
    for (let e = 0; e + 1 < scene.edgeOffsets.length; e++)
      traceEdge(edges, scene.edgeCoords, scene.direction, scene.edgeOffsets[e]!, scene.edgeOffsets[e + 1]!);
    return { types: [...byType], statuses: [...byStatus], edges };
  }, [overview, view, scene]);

  paintRef.current = () => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext?.("2d");
    if (!canvas || !context) return;
    const ratio = globalThis.devicePixelRatio || 1;
    const { width, height } = size.current;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, canvas.width, canvas.height);
    if (!overviewPaths) return;
    const t = transform.current;
    context.setTransform(ratio * t.k, 0, 0, ratio * t.k, ratio * t.x, ratio * t.y);
    const style = getComputedStyle(document.documentElement);
    const colour = (name: string) => style.getPropertyValue(`--kv-${name}`).trim() || "#888";
    scene.bands.forEach((band, i) => {
      context.fillStyle = colour(i % 2 === 0 ? "band-a" : "band-b");
      if (lr) context.fillRect(band.start, -FAR, band.end - band.start, 2 * FAR);
      else context.fillRect(-FAR, band.start, 2 * FAR, band.end - band.start);
    });
    context.lineWidth = 1.2 / Math.max(t.k, 0.05);
    context.strokeStyle = colour("edge");
    context.globalAlpha = dimOthers ? 0.25 : 1;
    context.stroke(overviewPaths.edges);
    const fills: Record<string, [string, string]> = {
      task: ["task-fill", "task-stroke"],
      data: ["data-fill", "data-stroke"],
      parameters: ["param-fill", "param-stroke"],
      namespace: ["namespace-fill", "namespace-stroke"],
    };
    for (const [type, path] of overviewPaths.types) {
      const [fill, stroke] = fills[type] ?? ["task-fill", "task-stroke"];
      context.fillStyle = colour(fill);
      context.strokeStyle = colour(stroke);
      context.fill(path);
      context.stroke(path);
    }
    if (showStatus) {
      context.lineWidth = 2.4 / Math.max(t.k, 0.05);
      for (const [status, path] of overviewPaths.statuses) {
        context.strokeStyle = colour(status);
        context.stroke(path);
      }
    }
    context.globalAlpha = 1;
  };
  useLayoutEffect(() => paintRef.current?.());

  const nodeClass = (i: number) => {
    const n = view.nodes[i]!;
    const classes = [`kv-node`, `kv-${n.type}`];
    if (n.id === selected) classes.push("kv-selected");
    if (highlighted.has(n.id)) classes.push("kv-highlighted");
    else if (dimOthers) classes.push("kv-dimmed");
    if (showStatus && n.status) classes.push(`kv-status-${n.status}`);
    return classes.join(" ");
  };
  const special = overview
    ? view.nodes.flatMap((n, i) => (n.id === selected || highlighted.has(n.id) ? [i] : []))
    : [];

  return (
    <div className="kv-canvas">
      <canvas ref={canvasRef} className="kv-overview" />
      <svg
        ref={svgRef}
        className="kv-svg"
        data-nodes={count}
        data-mode={overview ? "overview" : "detail"}
        role="img"
        aria-label="Pipeline graph"
        onPointerDown={(event) => {
          svgRef.current?.setPointerCapture?.(event.pointerId);
          drag.current = { x: event.clientX, y: event.clientY, t: transform.current, moved: false };
        }}
        onPointerMove={(event) => {
          const d = drag.current;
          if (!d) return;
          const dx = event.clientX - d.x;
          const dy = event.clientY - d.y;
          if (!d.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
          d.moved = true;
          apply({ ...d.t, x: d.t.x + dx, y: d.t.y + dy });
        }}
        onPointerUp={(event) => {
          const d = drag.current;
          drag.current = null;
          if (d && !d.moved) hitTest(event.clientX, event.clientY, event.shiftKey);
        }}
      >
        <defs>
          <marker
            id="kv-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="6"
            markerHeight="6"
            orient="auto-start-reverse"
          >
            <path d="M0,0L10,5L0,10z" className="kv-arrow" />
          </marker>
        </defs>
        <g ref={worldRef}>
          <g className="kv-bands">
            {scene.bands.map((band, i) => (
              <g
                key={band.name}
                className={`kv-band kv-band-${i % 2 === 0 ? "a" : "b"}`}
                data-layer={band.name}
              >
                {!overview &&
                  (lr ? (
                    <rect x={band.start} y={-FAR} width={band.end - band.start} height={2 * FAR} />
                  ) : (
                    <rect x={-FAR} y={band.start} width={2 * FAR} height={band.end - band.start} />
                  ))}
                <text x={lr ? band.start + 8 : 8} y={lr ? 18 : band.start + 18} className="kv-band-label">
                  {band.name}
                </text>
              </g>
            ))}
          </g>
          <g className="kv-outlines">
            {scene.outlines.map((o) => (
              <g key={o.namespace} className="kv-outline" data-namespace={o.namespace}>
                <rect x={o.x} y={o.y} width={o.w} height={o.h} rx={10} />
                <text x={o.x + 8} y={o.y + 13}>
                  ▾ {o.namespace}
                </text>
              </g>
            ))}
          </g>
          {overview ? (
            special.map((i) => (
              <rect
                key={view.nodes[i]!.id}
                className={nodeClass(i)}
                x={scene.boxes[i * 4]}
                y={scene.boxes[i * 4 + 1]}
                width={scene.boxes[i * 4 + 2]}
                height={scene.boxes[i * 4 + 3]}
              />
            ))
          ) : (
            <>
              <g className="kv-edges">
                {shown!.edges.map((e) => {
                  const edge = view.edges[e]!;
                  const lit =
                    highlighted.has(view.nodes[edge.source]!.id) &&
                    highlighted.has(view.nodes[edge.target]!.id);
                  return (
                    <path
                      key={e}
                      d={edgePathOf(scene, e)}
                      className={lit ? "kv-edge kv-edge-lit" : dimOthers ? "kv-edge kv-dimmed" : "kv-edge"}
                      markerEnd="url(#kv-arrow)"
                    />
                  );
                })}
              </g>
              <g className="kv-nodes">
                {shown!.nodes.map((i) => {
                  const n = view.nodes[i]!;
                  const x = scene.boxes[i * 4]!;
                  const y = scene.boxes[i * 4 + 1]!;
                  const w = scene.boxes[i * 4 + 2]!;
                  const h = scene.boxes[i * 4 + 3]!;
                  return (
                    <g key={n.id} className={nodeClass(i)} data-id={n.id} data-type={n.type}>
                      <rect x={x} y={y} width={w} height={h} rx={cornerRadius(n.type, h)} />
                      <text x={x + w / 2} y={y + h / 2 + 4} textAnchor="middle">
                        {n.type === "namespace"
                          ? `▸ ${fitLabel(n.label, n.type)}`
                          : fitLabel(n.label, n.type)}
                      </text>
                      {n.type === "namespace" && (
                        <text className="kv-members" x={x + w - 8} y={y + 11} textAnchor="end">
                          {n.members}
                        </text>
                      )}
                    </g>
                  );
                })}
              </g>
            </>
          )}
        </g>
      </svg>
      <div className="kv-zoom" role="toolbar" aria-label="Zoom">
        <button type="button" title="Zoom in" onClick={() => zoomBy(1.25)}>
          +
        </button>
        <button type="button" title="Zoom out" onClick={() => zoomBy(0.8)}>
          −
        </button>
        <button type="button" title="Fit to screen" onClick={fit}>
          ⤢
        </button>
      </div>
      <Minimap
        view={view}
        scene={scene}
        viewport={viewport}
        screen={size.current}
        onCentre={(gx, gy) => {
          const t = transform.current;
          apply({ ...t, x: size.current.width / 2 - gx * t.k, y: size.current.height / 2 - gy * t.k });
        }}
      />
    </div>
  );
}
