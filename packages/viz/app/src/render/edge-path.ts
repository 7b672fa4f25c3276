/** One decimal is enough on screen, and far cheaper than `toFixed`. */
const r = (v: number) => Math.round(v * 10) / 10;

/**
 * An SVG path through a polyline's points (`coords[start..end)`, flat x, y pairs), as smooth curves
 * that leave and enter along the flow.
 */
export function edgePath(
  coords: ArrayLike<number>,
  direction: "LR" | "TB",
  start = 0,
  end = coords.length,
): string {
  if (end - start < 4) return "";
  let d = "M" + r(coords[start]!) + "," + r(coords[start + 1]!);
  for (let i = start + 2; i + 1 < end; i += 2) {
    const x0 = coords[i - 2]!;
    const y0 = coords[i - 1]!;
    const x1 = r(coords[i]!);
    const y1 = r(coords[i + 1]!);
    if (direction === "LR") {
      const mid = r((x0 + x1) / 2);
      d += "C" + mid + "," + r(y0) + " " + mid + "," + y1 + " " + x1 + "," + y1;
    } else {
      const mid = r((y0 + y1) / 2);
      d += "C" + r(x0) + "," + mid + " " + x1 + "," + mid + " " + x1 + "," + y1;
    }
  }
  return d;
}

/** The same curves added to a canvas path (no SVG text to build or parse). */
export function traceEdge(
  path: {
    moveTo(x: number, y: number): void;
    bezierCurveTo(a: number, b: number, c: number, d: number, x: number, y: number): void;
  },
  coords: ArrayLike<number>,
  direction: "LR" | "TB",
  start: number,
  end: number,
): void {
  if (end - start < 4) return;
  path.moveTo(coords[start]!, coords[start + 1]!);
  for (let i = start + 2; i + 1 < end; i += 2) {
    const x0 = coords[i - 2]!;
    const y0 = coords[i - 1]!;
    const x1 = coords[i]!;
    const y1 = coords[i + 1]!;
    if (direction === "LR") path.bezierCurveTo((x0 + x1) / 2, y0, (x0 + x1) / 2, y1, x1, y1);
    else path.bezierCurveTo(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2, x1, y1);
  }
}
