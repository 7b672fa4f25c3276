import { setTimeout as sleep } from "node:timers/promises";
import pl from "nodejs-polars";
import type { LoadedModel, ModelSignature } from "../model-types.js";

/** Options of {@link createLinearModel}. */
export interface LinearModelOptions {
  /** What predict returns: a DataFrame with a `price` column (default), a Series, or an array. */
  output?: "dataframe" | "series" | "array";
  /** Compute in JS over the rows (default), or as Polars expressions. */
  engine?: "js" | "polars";
}

/** The signature of the linear model: spaceflights-like columns, two params. */
export const LINEAR_SIGNATURE: ModelSignature = {
  inputs: [
    { name: "engines", type: "double" },
    { name: "passenger_capacity", type: "long" },
    { name: "crew", type: "double", required: false },
    { name: "company_location", type: "string", required: false },
  ],
  outputs: [{ name: "price", type: "double" }],
  params: [
    { name: "scale", type: "double", default: 1, shape: null },
    { name: "delay_ms", type: "long", default: 0, shape: null },
  ],
};

/**
 * A small real model for tests and benchmarks: `price = scale × (1000 × engines + 20 ×
 * passenger_capacity + 5 × crew) + 100` over the input DataFrame (a missing crew counts 0), with
 * params `scale` and `delay_ms` (a wait before answering, to test timeouts and shutdown).
 */
export function createLinearModel(options: LinearModelOptions = {}): LoadedModel {
  const output = options.output ?? "dataframe";
  let closed = false;
  return {
    uri: "memory:linear",
    path: "",
    signature: LINEAR_SIGNATURE,
    inputExample: { columns: ["engines", "passenger_capacity", "crew"], data: [[2, 100, 4]] },
    metadata: {
      artifact_path: "model",
      flavors: {
        kiln: {
          kiln_version: "0.1.0",
          code: "code/inference.mjs",
          input_name: "companies",
          output_name: "price",
          node_version: process.version,
        },
      },
      model_uuid: "00000000000000000000000000000000",
      run_id: "linear",
      utc_time_created: "2026-01-01 00:00:00.000000",
    },
    async predict(input: unknown, params: Record<string, unknown> = {}) {
      if (closed) throw new Error("the linear model is closed");
      const scale = (params.scale as number | undefined) ?? 1;
      const delay = (params.delay_ms as number | undefined) ?? 0;
      if (delay > 0) await sleep(delay);
      const frame = input as pl.DataFrame;
      const prices = options.engine === "polars" ? withPolars(frame, scale) : withJs(frame, scale);
      if (output === "array") return prices;
      if (output === "series") return pl.Series("price", prices, pl.Float64);
      return pl.readRecords(
        prices.map((price) => ({ price })),
        { schema: { price: pl.Float64 } },
      );
    },
    async close() {
      closed = true;
    },
  };
}

function withJs(frame: pl.DataFrame, scale: number): number[] {
  return frame
    .toRecords()
    .map(
      (row) =>
        scale *
          (1000 * Number(row.engines) + 20 * Number(row.passenger_capacity) + 5 * Number(row.crew ?? 0)) +
        100,
    );
}

function withPolars(frame: pl.DataFrame, scale: number): number[] {
  const crew = frame.columns.includes("crew") ? pl.col("crew").fillNull(0) : pl.lit(0);
  return frame
    .select(
      pl
        .col("engines")
        .mul(1000)
        .plus(pl.col("passenger_capacity").mul(20))
        .plus(crew.mul(5))
        .mul(scale)
        .plus(100)
        .alias("price"),
    )
    .toRecords()
    .map((row) => row.price as number);
}
