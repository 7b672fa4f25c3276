import pl from "nodejs-polars";
import { randomSource } from "../data_generation/nodes.js";
import { fitLinearRegression, type LinearModel, predict } from "./linear-regression.js";

export interface ModelOptions {
  /** Share of rows held out for evaluation (0..1). */
  test_size: number;
  random_state: number;
  features: string[];
}

/** The metrics `evaluate_model_node` reports. */
export interface Metrics {
  r2_score: number;
  mae: number;
  max_error: number;
}

/** Rows of `df`'s columns as numbers (booleans become 0/1). */
function matrix(df: pl.DataFrame): number[][] {
  return df.select(...df.columns.map((c) => pl.col(c).cast(pl.Float64))).rows() as number[][];
}

/**
 * Splits the model input table into features and target, for training and for testing. The test
 * rows are a seeded shuffle's first ceil(test_size · rows), as scikit-learn's train_test_split takes.
 */
export function splitData(
  data: pl.DataFrame,
  options: ModelOptions,
): [pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame] {
  const missing = options.features.filter((f) => !data.columns.includes(f));
  if (missing.length > 0)
    throw new Error(`model_options.features names columns the table lacks: ${missing.join(", ")}.`);
  const random = randomSource(options.random_state);
  const order = Array.from({ length: data.height }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const testRows = Math.ceil(options.test_size * data.height);
  const columns = [...options.features, "price"];
  const take = (rows: number[]) => data.select(...columns.map((c) => pl.col(c).gather(rows)));
  const test = take(order.slice(0, testRows));
  const train = take(order.slice(testRows));
  return [
    train.select(...options.features),
    test.select(...options.features),
    train.select("price"),
    test.select("price"),
  ];
}

/** Fits a linear regression of price on the features. */
export function trainModel(xTrain: pl.DataFrame, yTrain: pl.DataFrame): LinearModel {
  return fitLinearRegression(matrix(xTrain), yTrain.getColumn("price").toArray() as number[], xTrain.columns);
}

/** R², mean absolute error and largest error of the model's price predictions on the test rows. */
export function evaluateModel(model: LinearModel, xTest: pl.DataFrame, yTest: pl.DataFrame): Metrics {
  const actual = yTest.getColumn("price").toArray() as number[];
  const predicted = predict(model, matrix(xTest.select(...model.features)));
  const mean = actual.reduce((a, b) => a + b, 0) / actual.length;
  const residual = actual.reduce((sum, y, i) => sum + (y - predicted[i]!) ** 2, 0);
  const total = actual.reduce((sum, y) => sum + (y - mean) ** 2, 0);
  const errors = actual.map((y, i) => Math.abs(y - predicted[i]!));
  return {
    r2_score: total === 0 ? 0 : 1 - residual / total,
    mae: errors.reduce((a, b) => a + b, 0) / errors.length,
    max_error: Math.max(...errors),
  };
}

/**
 * The packaged model's one step: predicted prices for rows of features (a request's rows, or the
 * test rows during training), one per row, as a typed array (served as a plain list). Columns beyond
 * the model's features are ignored; a missing one is an error naming it.
 */
export function predictPrice(model: LinearModel, features: pl.DataFrame): Float64Array {
  const columns = features.columns; // read once: each read is a call into Polars
  const missing = model.features.filter((f) => !columns.includes(f));
  if (missing.length > 0) throw new Error(`The rows lack the model's features: ${missing.join(", ")}.`);
  // This runs once per served request, on a few rows: every Polars object nodejs-polars makes (a
  // column expression, a Series) costs about a millisecond there, far more than the arithmetic. So
  // the rows come out as plain objects in one call, and the prices go back without a Series. A
  // missing value predicts NaN.
  const rows = features.toRecords() as Array<Record<string, unknown>>;
  const x = rows.map((row) => model.features.map((f) => (row[f] == null ? Number.NaN : Number(row[f]))));
  return Float64Array.from(predict(model, x));
}
