import type { ViewNode } from "../view-model.js";

/** Average width of a character of the 12 px label font (measured text would need a DOM in the worker). */
const CHAR_WIDTH = 7;

/** A box's size as drawn: wide enough for its label (capped), taller for namespaces. */
export function nodeSize(node: Pick<ViewNode, "label" | "type">): { width: number; height: number } {
  const padding = node.type === "namespace" ? 56 : 36;
  const width = Math.min(340, Math.max(72, Math.round(node.label.length * CHAR_WIDTH + padding)));
  const height = node.type === "namespace" ? 44 : node.type === "parameters" ? 26 : 32;
  return { width, height };
}

/** The label as drawn: cut with an ellipsis when the box is at its widest. */
export function fitLabel(label: string, type: ViewNode["type"]): string {
  const room = Math.floor((340 - (type === "namespace" ? 56 : 36)) / CHAR_WIDTH);
  return label.length > room ? `${label.slice(0, room - 1)}…` : label;
}
