import { renderVegaLite } from "@kiln/datasets";
import pl from "nodejs-polars";
import { type LinearModel, predict } from "../data_science/linear-regression.js";

/** A bar chart (Vega-Lite) of the mean passenger capacity of each shuttle type. */
export function comparePassengerCapacity(shuttles: pl.DataFrame): Record<string, unknown> {
  const rows = shuttles
    .groupBy("shuttle_type")
    .agg(pl.col("passenger_capacity").mean().alias("passenger_capacity"))
    .sort("shuttle_type")
    .toRecords();
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "Mean passenger capacity by shuttle type",
    width: 360,
    height: 220,
    data: { values: rows },
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: { field: "shuttle_type", type: "nominal", title: "Shuttle type", axis: { labelAngle: 0 } },
      y: { field: "passenger_capacity", type: "quantitative", title: "Mean passenger capacity" },
    },
  };
}

const BANDS = ["low", "mid", "high"] as const;

/** Price bands (thirds of the actual prices) predicted against actual, counted: a 3 × 3 matrix. */
export function priceBandCounts(
  table: pl.DataFrame,
  model: LinearModel,
): Array<{ actual: string; predicted: string; count: number }> {
  const actual = table.getColumn("price").toArray() as number[];
  const features = table
    .select(...model.features.map((f) => pl.col(f).cast(pl.Float64)))
    .rows() as number[][];
  const predicted = predict(model, features);
  const sorted = [...actual].sort((a, b) => a - b);
  const cut = [sorted[Math.floor(sorted.length / 3)]!, sorted[Math.floor((2 * sorted.length) / 3)]!];
  const band = (price: number) => (price < cut[0]! ? 0 : price < cut[1]! ? 1 : 2);
  const counts = BANDS.map(() => BANDS.map(() => 0));
  actual.forEach((price, i) => {
    counts[band(price)]![band(predicted[i]!)]! += 1;
  });
  return BANDS.flatMap((a, i) => BANDS.map((p, j) => ({ actual: a, predicted: p, count: counts[i]![j]! })));
}

/** The active model's price bands as a confusion-matrix heatmap, rendered to PNG. */
export async function createConfusionMatrix(table: pl.DataFrame, model: LinearModel): Promise<Uint8Array> {
  const cells = priceBandCounts(table, model);
  const order = { sort: [...BANDS] };
  return renderVegaLite(
    {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: "Price band: actual vs predicted (active model)",
      width: 240,
      height: 240,
      data: { values: cells },
      encoding: {
        x: { field: "predicted", type: "ordinal", title: "Predicted", axis: { labelAngle: 0 }, ...order },
        y: { field: "actual", type: "ordinal", title: "Actual", ...order },
      },
      layer: [
        { mark: "rect", encoding: { color: { field: "count", type: "quantitative", title: "Shuttles" } } },
        {
          mark: { type: "text", fontSize: 14 },
          encoding: { text: { field: "count", type: "quantitative" } },
        },
      ],
    },
    "png",
  );
}
