// Shared by the plot and image tests: a chart spec, PNG statistics, and a failure catcher.
import { PNG } from "pngjs";

export const barChart = () => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: "Passenger capacity",
  data: {
    values: [
      { shuttle_type: "Type F5", capacity: 3 },
      { shuttle_type: "Type V9", capacity: 7 },
      { shuttle_type: "Type A1", capacity: 5 },
    ],
  },
  mark: "bar",
  encoding: {
    x: { field: "shuttle_type", type: "nominal", title: "Shuttle type" },
    y: { field: "capacity", type: "quantitative", title: "Mean capacity" },
  },
});

/** Size, distinct colours and near-black (text) pixels of a PNG. */
export function pngStats(bytes: Uint8Array) {
  const png = PNG.sync.read(Buffer.from(bytes));
  const colours = new Set<number>();
  let dark = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    colours.add((r << 16) | (g << 8) | b);
    if (r < 60 && g < 60 && b < 60) dark++;
  }
  return { width: png.width, height: png.height, colours: colours.size, dark };
}

/** The error a promise rejects with (a resolved promise fails the test). */
export async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string; hint?: string },
  );
  if (!error) throw new Error("expected a failure");
  return error;
}
