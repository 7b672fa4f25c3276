// Per-feature drift between a reference sample (what the model was trained on) and a current one
// (what it is served), as `kiln monitor drift` prints and saves it.
import type pl from "nodejs-polars";
import { categoricalPsi, ksTwoSample, numericPsi } from "./drift-stats.js";

/** PSI below this: no real change; from it to {@link PSI_DRIFT}: moderate; above: drift (the usual reading). */
export const PSI_MODERATE = 0.1;
export const PSI_DRIFT = 0.25;

export type DriftStatus = "stable" | "moderate" | "drift";

/** One feature's drift. KS fields are null for categorical features. */
export interface FeatureDrift {
  feature: string;
  kind: "numeric" | "categorical";
  psi: number;
  ks_statistic: number | null;
  ks_p_value: number | null;
  reference_rows: number;
  current_rows: number;
  status: DriftStatus;
}

/** A feature that was not compared, and why. */
export interface SkippedFeature {
  feature: string;
  reason: string;
}

export interface DriftResult {
  features: FeatureDrift[];
  skipped: SkippedFeature[];
}

export function statusOf(psi: number): DriftStatus {
  return psi >= PSI_DRIFT ? "drift" : psi >= PSI_MODERATE ? "moderate" : "stable";
}

/** The type's name: nodejs-polars' `variant` ("Bool", "Utf8", …), else its text. */
function typeName(dtype: pl.DataType): string {
  return (dtype as { variant?: string }).variant ?? String(dtype);
}

function isCategorical(dtype: pl.DataType): boolean {
  return /^(Utf8|String|Categorical|Bool|Boolean|Enum)$/i.test(typeName(dtype));
}

/**
 * Compares each of `features` (default: the reference's columns; extra current ones are ignored):
 * numeric columns by PSI over the reference's deciles and the two-sample KS test, text, boolean and
 * categorical ones by PSI over their values. Other types (dates, lists, structs) and columns one
 * side lacks are skipped with the reason.
 */
export function computeDrift(
  reference: pl.DataFrame,
  current: pl.DataFrame,
  options: { features?: readonly string[]; bins?: number } = {},
): DriftResult {
  const features = options.features ?? reference.columns;
  const result: DriftResult = { features: [], skipped: [] };
  for (const feature of features) {
    const missingFrom = [
      ...(reference.columns.includes(feature) ? [] : ["the reference"]),
      ...(current.columns.includes(feature) ? [] : ["the current data"]),
    ];
    if (missingFrom.length > 0) {
      result.skipped.push({ feature, reason: `not a column of ${missingFrom.join(" or ")}` });
      continue;
    }
    const ref = reference.getColumn(feature);
    const cur = current.getColumn(feature);
    const rows = { reference_rows: ref.length, current_rows: cur.length };
    if (ref.isNumeric() && cur.isNumeric()) {
      const a = ref.toArray() as (number | null)[];
      const b = cur.toArray() as (number | null)[];
      const psi = numericPsi(a, b, options.bins);
      const ks = ksTwoSample(a, b);
      result.features.push({
        feature,
        kind: "numeric",
        psi,
        ks_statistic: Number.isNaN(ks.statistic) ? null : ks.statistic,
        ks_p_value: Number.isNaN(ks.pValue) ? null : ks.pValue,
        ...rows,
        status: statusOf(psi),
      });
    } else if (isCategorical(ref.dtype) && isCategorical(cur.dtype)) {
      const psi = categoricalPsi(ref.toArray(), cur.toArray());
      result.features.push({
        feature,
        kind: "categorical",
        psi,
        ks_statistic: null,
        ks_p_value: null,
        ...rows,
        status: statusOf(psi),
      });
    } else {
      result.skipped.push({
        feature,
        reason:
          typeName(ref.dtype) === typeName(cur.dtype)
            ? `its type ${typeName(ref.dtype)} is neither numeric nor categorical`
            : `its type differs: ${typeName(ref.dtype)} in the reference, ${typeName(cur.dtype)} now`,
      });
    }
  }
  return result;
}
