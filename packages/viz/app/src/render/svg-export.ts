// The whole graph as one standalone SVG file (colours inline), and that SVG as a PNG.
import { fitLabel } from "../layout/node-size.js";
import type { ViewGraph } from "../view-model.js";
import { edgePathOf, type Scene } from "./scene.js";
import { THEMES, type ThemeName } from "./theme.js";

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
  );

/** Fill and stroke of a box by its type. */
export function boxColours(type: string, theme: ThemeName): { fill: string; stroke: string } {
  const p = THEMES[theme];
  switch (type) {
    case "data":
      return { fill: p.dataFill, stroke: p.dataStroke };
    case "parameters":
      return { fill: p.paramFill, stroke: p.paramStroke };
    case "namespace":
      return { fill: p.namespaceFill, stroke: p.namespaceStroke };
    default:
      return { fill: p.taskFill, stroke: p.taskStroke };
  }
}

/** Corner radius by type: datasets round, tasks square-ish, parameters pills. */
export const cornerRadius = (type: string, height: number) =>
  type === "data" ? height / 2 : type === "parameters" ? 4 : type === "namespace" ? 10 : 5;

/** The graph as an SVG document: bands, namespace frames, edges with arrows, boxes with labels. */
export function sceneToSvg(view: ViewGraph, scene: Scene, theme: ThemeName): string {
  const p = THEMES[theme];
  const lr = scene.direction === "LR";
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(scene.width)}" height="${Math.ceil(scene.height)}" viewBox="0 0 ${Math.ceil(scene.width)} ${Math.ceil(scene.height)}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${p.edge}"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="${p.background}"/>`,
  );
  scene.bands.forEach((band, i) => {
    const fill = i % 2 === 0 ? p.bandA : p.bandB;
    const size = band.end - band.start;
    out.push(
      lr
        ? `<rect x="${band.start}" y="0" width="${size}" height="${scene.height}" fill="${fill}"/><text x="${band.start + 8}" y="18" fill="${p.muted}" font-weight="bold">${escapeXml(band.name)}</text>`
        : `<rect x="0" y="${band.start}" width="${scene.width}" height="${size}" fill="${fill}"/><text x="8" y="${band.start + 18}" fill="${p.muted}" font-weight="bold">${escapeXml(band.name)}</text>`,
    );
  });
  for (const o of scene.outlines) {
    out.push(
      `<rect x="${o.x}" y="${o.y}" width="${o.w}" height="${o.h}" rx="10" fill="${p.namespaceFill}" fill-opacity="0.35" stroke="${p.namespaceStroke}" stroke-dasharray="4 3"/><text x="${o.x + 8}" y="${o.y + 13}" fill="${p.namespaceStroke}" font-size="11">${escapeXml(o.namespace)}</text>`,
    );
  }
  for (let e = 0; e + 1 < scene.edgeOffsets.length; e++) {
    out.push(
      `<path d="${edgePathOf(scene, e)}" fill="none" stroke="${p.edge}" stroke-width="1.2" marker-end="url(#arrow)"/>`,
    );
  }
  view.nodes.forEach((node, i) => {
    const [x, y, w, h] = [
      scene.boxes[i * 4]!,
      scene.boxes[i * 4 + 1]!,
      scene.boxes[i * 4 + 2]!,
      scene.boxes[i * 4 + 3]!,
    ];
    const { fill, stroke } = boxColours(node.type, theme);
    const status = node.status ? p[node.status] : stroke;
    out.push(
      `<g data-id="${escapeXml(node.id)}"><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${cornerRadius(node.type, h)}" fill="${fill}" stroke="${status}" stroke-width="${node.status ? 2 : 1.2}"/><text x="${x + w / 2}" y="${y + h / 2 + 4}" text-anchor="middle" fill="${p.text}">${escapeXml(fitLabel(node.label, node.type))}</text></g>`,
    );
  });
  out.push("</svg>");
  return out.join("\n");
}

/** Renders an SVG document to a PNG blob (scaled down to fit 8,192 px, a canvas's safe size). */
export async function svgToPng(svg: string, width: number, height: number): Promise<Blob> {
  const scale = Math.min(2, 8192 / Math.max(width, height));
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error("The SVG could not be drawn."));
      image.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const context = canvas.getContext("2d")!;
    context.scale(scale, scale);
    context.drawImage(image, 0, 0);
    return await new Promise((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error("The PNG could not be made."))),
        "image/png",
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a blob as a download. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
