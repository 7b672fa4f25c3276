/** One decimal is enough on screen, and far cheaper than `toFixed`. */
const r = (v: number) => Math.round(v * 10) / 10;

/** An SVG path through a polyline's points, as smooth curves that leave and enter along the flow. */
export function edgePath(points: readonly number[], direction: "LR" | "TB"): string {
  if (points.length < 4) return "";
  let d = "M" + r(points[0]!) + "," + r(points[1]!);
  for (let i = 2; i + 1 < points.length; i += 2) {
    const x0 = points[i - 2]!;
    const y0 = points[i - 1]!;
    const x1 = r(points[i]!);
    const y1 = r(points[i + 1]!);
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
