// Ordinary least squares with an intercept, fitted the way scikit-learn's LinearRegression is:
// centre the features and the target, then take the minimum-norm least-squares solution from the
// singular value decomposition. A constant feature gets coefficient 0 and collinear features share
// the weight equally, instead of a singular matrix, NaN or a crash.
import { Matrix, SVD } from "ml-matrix";

/** A fitted model as plain data, so it saves as JSON and crosses worker threads. */
export interface LinearModel {
  kind: "linear_regression";
  features: string[];
  coefficients: number[];
  intercept: number;
}

/** Fits `y ≈ X·coefficients + intercept`. `x` is one row per sample, in `features` order. */
export function fitLinearRegression(x: number[][], y: number[], features: string[]): LinearModel {
  const rows = x.length;
  if (rows === 0 || rows !== y.length) {
    throw new Error(
      `fitLinearRegression needs as many targets as rows, and at least one: got ${rows} rows and ${y.length} targets.`,
    );
  }
  const width = features.length;
  if (x.some((row) => row.length !== width))
    throw new Error(`Every row must have ${width} values (one per feature).`);
  if ([...y, ...x.flat()].some((v) => !Number.isFinite(v)))
    throw new Error("Features and target must be finite numbers (drop or fill missing values first).");

  const xMean = Array.from({ length: width }, (_, j) => x.reduce((sum, row) => sum + row[j]!, 0) / rows);
  const yMean = y.reduce((a, b) => a + b, 0) / rows;
  if (width === 0) return { kind: "linear_regression", features, coefficients: [], intercept: yMean };

  const centred = new Matrix(x.map((row) => row.map((v, j) => v - xMean[j]!)));
  const target = Matrix.columnVector(y.map((v) => v - yMean));
  const svd = new SVD(centred, { autoTranspose: true });
  const singular = svd.diagonal;
  // Singular values this small are rounding noise: treating them as zero gives the minimum-norm
  // solution (LAPACK's gelsd, which scikit-learn uses, cuts at the same relative size).
  const cutoff = Math.max(rows, width) * Number.EPSILON * Math.max(0, ...singular);
  const u = svd.leftSingularVectors;
  const v = svd.rightSingularVectors;
  const projected = u.transpose().mmul(target);
  const scaled = Matrix.columnVector(singular.map((s, i) => (s > cutoff ? projected.get(i, 0) / s : 0)));
  const coefficients = v.mmul(scaled).getColumn(0);
  const intercept = yMean - coefficients.reduce((sum, c, j) => sum + c * xMean[j]!, 0);
  return { kind: "linear_regression", features, coefficients, intercept };
}

/** Predictions for rows in the model's feature order. */
export function predict(model: LinearModel, x: number[][]): number[] {
  return x.map((row) => row.reduce((sum, v, j) => sum + v * model.coefficients[j]!, model.intercept));
}
